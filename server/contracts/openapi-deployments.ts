import { Deployment, DeploymentList, DeploymentSource, DeploySettings, GitDeployInput, Variable, VariableList, VariablesInput } from "./deployments";

/**
 * Deployments, variables and deployment settings in the OpenAPI document (issue 11). Merge with:
 *   ...DEPLOYMENT_SCHEMAS into the registry, ...deploymentPaths into paths.
 * The examples never show a secret's value.
 */

export const DEPLOYMENT_SCHEMAS = [Deployment, DeploymentList, DeploymentSource, GitDeployInput, Variable, VariablesInput, VariableList, DeploySettings] as const;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const TEXT: Record<number, string> = {
  400: "Body not JSON, or no body",
  401: "Missing or wrong API token",
  404: "Environment or deployment not found",
  409: "The environment is not running, another change is under way (names it), or the release cannot be activated",
  413: "archive_too_large: over the upload limit (PHLEET_DEPLOY_MAX_BYTES, default 256 MB), the entry-count limit or the unpacked-size limit",
  415: "unsupported_media_type: the Content-Type is not application/zip, application/gzip, application/x-tar or application/json",
  422: "validation_failed, unsafe_archive (paths or links leaving the release), invalid_archive (corrupt), invalid_docroot, git_failed (unreachable URL, unknown ref or path)",
  503: "The Docker engine is not reachable",
};
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: TEXT[c] ?? "Error", content: { "application/json": { schema: ref("Error") } } }]));
const p = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
const binary = { schema: { type: "string", format: "binary" } };

export const deploymentPaths = {
  "/api/v1/environments/{id}/deployments": {
    parameters: [p("id")],
    get: {
      summary: "The releases, newest first (exactly one is current), each with its task's steps",
      responses: { "200": { description: "Releases", content: { "application/json": { schema: ref("DeploymentList") } } }, ...errors(401, 404, 503) },
    },
    post: {
      summary: "Deploy a release: an archive as the raw body (options in the query) or JSON with a Git source",
      description:
        "The release is checked before anything reaches a node, copied to every app server, and the servers switch one at a time (atomic symlink swap, graceful reload), each passing the health request before the next. On a failure the servers that switched go back to the previous release and the deployment is failed.",
      parameters: [
        { name: "docroot", in: "query", required: false, schema: { type: "string" }, description: "Archive uploads: the folder inside the release to serve, e.g. public" },
        { name: "message", in: "query", required: false, schema: { type: "string", maxLength: 500 } },
      ],
      requestBody: {
        required: true,
        content: {
          "application/zip": binary,
          "application/gzip": binary,
          "application/x-tar": binary,
          "application/json": { schema: ref("GitDeployInput"), example: { git: { url: "https://example.com/acme/shop.git", ref: "v1.4.0", path: "app" }, docroot: "public", message: "v1.4.0" } },
        },
      },
      responses: { "202": { description: "Accepted: follow the deployment's task", content: { "application/json": { schema: ref("Deployment") } } }, ...errors(400, 401, 404, 409, 413, 415, 422, 503) },
    },
  },
  "/api/v1/environments/{id}/deployments/{deploymentId}/activate": {
    parameters: [p("id"), p("deploymentId")],
    post: {
      summary: "Make an earlier succeeded release current again (rollback), with the same rolling rules",
      responses: { "202": { description: "Accepted", content: { "application/json": { schema: ref("Deployment") } } }, ...errors(401, 404, 409, 503) },
    },
  },
  "/api/v1/environments/{id}/variables": {
    parameters: [p("id")],
    get: {
      summary: "The app layer's variables (a secret's value is never returned)",
      responses: { "200": { description: "Variables", content: { "application/json": { schema: ref("VariableList"), example: { variables: [{ name: "APP_ENV", value: "production", secret: false }, { name: "DB_PASSWORD", secret: true }] } } } }, ...errors(401, 404) },
    },
    put: {
      summary: "Replace the variables; applied to every app server with a graceful reload (getenv(), $_ENV, $_SERVER)",
      description: "Omit `value` of a secret to keep its stored value.",
      requestBody: { required: true, content: { "application/json": { schema: ref("VariablesInput"), example: { variables: [{ name: "APP_ENV", value: "production", secret: false }, { name: "DB_PASSWORD", secret: true }] } } } },
      responses: { "200": { description: "The variables as stored", content: { "application/json": { schema: ref("VariableList") } } }, ...errors(400, 401, 404, 409, 422, 503) },
    },
  },
  "/api/v1/environments/{id}/deployment-settings": {
    parameters: [p("id")],
    get: { summary: "How deployments run: health path, releases kept, hooks", responses: { "200": { description: "Settings", content: { "application/json": { schema: ref("DeploySettings") } } }, ...errors(401, 404) } },
    put: {
      summary: "Change how deployments run",
      requestBody: { required: true, content: { "application/json": { schema: ref("DeploySettings") } } },
      responses: { "200": { description: "Settings", content: { "application/json": { schema: ref("DeploySettings") } } }, ...errors(400, 401, 404, 422) },
    },
  },
};
