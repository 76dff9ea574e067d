import { Certificate, CertificateInput, Domains, DomainsInput, HttpsOptionsInput } from "./https";

/** OpenAPI paths of Domains & HTTPS, merged into openApiDocument(); the schemas carry meta ids. */

export const httpsSchemas = [Certificate, CertificateInput, Domains, DomainsInput, HttpsOptionsInput] as const;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const err = (description: string) => ({ description, content: { "application/json": { schema: ref("Error") } } });
const body = (id: string) => ({ required: true, content: { "application/json": { schema: ref(id) } } });
const ok = (description: string, id: string) => ({ description, content: { "application/json": { schema: ref(id) } } });
const common = { "401": err("Missing or wrong API token"), "404": err("No such environment") };

export const httpsOpenApiPaths = {
  "/api/v1/environments/{id}/domains": {
    parameters: [idParam],
    get: { summary: "The domain names the balancer answers for", responses: { "200": ok("The domains", "Domains"), ...common } },
    put: {
      summary: "Replace the domain names (host names, unique across the installation); the balancer is reloaded",
      requestBody: body("DomainsInput"),
      responses: {
        "200": ok("The domains now served", "Domains"),
        ...common,
        "400": err("The body is not valid JSON"),
        "409": err("A domain belongs to another environment, or the environment is busy or not running"),
        "422": err("A name is not a valid host name, or listed twice"),
      },
    },
  },
  "/api/v1/environments/{id}/certificate": {
    parameters: [idParam],
    get: { summary: "The balancer's certificate: subject, names, issuer, validity, source and renewal state (never the key)", responses: { "200": ok("The certificate", "Certificate"), ...common } },
    put: {
      summary: "Switch ACME on (202, follow taskId), upload a PEM chain and key (checked first), or go back to self-signed",
      requestBody: body("CertificateInput"),
      responses: {
        "200": ok("Installed on the balancer", "Certificate"),
        "202": ok("ACME order started; the previous certificate stays until it succeeds", "Certificate"),
        ...common,
        "400": err("The body is not valid JSON"),
        "409": err("The environment is busy, not running, or has no HTTPS (created before HTTPS existed, or an HAProxy balancer)"),
        "422": err("invalid_certificate: garbage PEM, a key that does not match, a wrong chain order, an expired or not-yet-valid certificate, or names it does not cover"),
      },
    },
  },
  "/api/v1/environments/{id}/certificate/renew": {
    parameters: [idParam],
    post: {
      summary: "Renew the ACME certificate now (otherwise renewed automatically before it expires)",
      responses: { "202": ok("Renewal started; follow taskId", "Certificate"), ...common, "409": err("Not an ACME certificate, or the environment is busy") },
    },
  },
  "/api/v1/environments/{id}/https": {
    parameters: [idParam],
    get: { summary: "Same as GET certificate", responses: { "200": ok("The certificate and options", "Certificate"), ...common } },
    put: {
      summary: "HTTPS options: redirect HTTP to HTTPS (and Secure session cookies on the app servers), HSTS",
      requestBody: body("HttpsOptionsInput"),
      responses: { "200": ok("Applied to the balancer and the app servers", "Certificate"), ...common, "409": err("The environment is busy, not running, or has no HTTPS"), "422": err("The body does not fit the schema") },
    },
  },
};
