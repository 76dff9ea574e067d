import { z } from "zod";

/** Domains and HTTPS of an environment: API shapes shared by routes, UI and OpenAPI. */

const MAX_DOMAINS = 50;
// RFC 1123 host names, lowercase, at least two labels; no IP addresses, no wildcard (HTTP-01 cannot prove one).
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const DomainName = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) => s.replace(/\.$/, ""))
  .pipe(z.string().regex(HOSTNAME, "must be a host name like www.example.com (letters, digits, hyphens; no wildcard, no IP address)"));

export const DomainsInput = z
  .object({
    domains: z
      .array(DomainName)
      .max(MAX_DOMAINS, `at most ${MAX_DOMAINS} domains`)
      .refine((a) => new Set(a).size === a.length, "a domain is listed twice"),
  })
  .strict()
  .meta({ id: "DomainsInput" });
export type DomainsInput = z.infer<typeof DomainsInput>;

export const Domains = z.object({ domains: z.array(z.string()) }).meta({ id: "Domains" });
export type Domains = z.infer<typeof Domains>;

const PEM_MAX = 64 * 1024;
export const CertificateInput = z
  .union([
    z.object({ acme: z.literal(true) }).strict(),
    z
      .object({
        certificate: z.string().min(1, "the certificate chain (PEM) is required").max(PEM_MAX),
        key: z.string().min(1, "the private key (PEM) is required").max(PEM_MAX),
      })
      .strict(),
    z.object({ selfSigned: z.literal(true) }).strict(),
  ])
  .meta({ id: "CertificateInput", description: '`{ "acme": true }`, `{ "certificate", "key" }` (PEM), or `{ "selfSigned": true }` to go back to the fallback' });
export type CertificateInput = z.infer<typeof CertificateInput>;

export const HttpsOptionsInput = z
  .object({ forceHttps: z.boolean(), hsts: z.boolean() })
  .partial()
  .strict()
  .meta({ id: "HttpsOptionsInput" });
export type HttpsOptionsInput = z.infer<typeof HttpsOptionsInput>;

const CERT_SOURCES = ["acme", "uploaded", "self-signed"] as const;
const RENEWAL_STATES = ["idle", "issuing", "failed"] as const;

export const Certificate = z
  .object({
    available: z.boolean().describe("false when the environment publishes no HTTPS port: created before HTTPS existed, or an HAProxy balancer (warning says which)"),
    httpsUrl: z.string().nullable(),
    source: z.enum(CERT_SOURCES).nullable(),
    subject: z.string().nullable(),
    issuer: z.string().nullable(),
    names: z.array(z.string()),
    notBefore: z.string().nullable(),
    notAfter: z.string().nullable(),
    serial: z.string().nullable(),
    daysLeft: z.number().nullable(),
    warning: z.string().nullable().describe("Set when the certificate expires soon or does not cover every domain"),
    acme: z.boolean(),
    renewal: z.object({
      state: z.enum(RENEWAL_STATES),
      error: z.string().nullable().describe("Why the last ACME attempt failed (the CA's message)"),
      attempts: z.number().int(),
      nextAttemptAt: z.string().nullable(),
      lastRenewedAt: z.string().nullable(),
    }),
    options: z.object({ forceHttps: z.boolean(), hsts: z.boolean() }),
    taskId: z.string().nullable().describe("The ACME task started by this call, to follow"),
  })
  .meta({ id: "Certificate" });
export type Certificate = z.infer<typeof Certificate>;
