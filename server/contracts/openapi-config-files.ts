import {
  ConfigFile,
  ConfigFileEntry,
  ConfigFileList,
  ConfigRevision,
  ConfigRevisionList,
  RestartAccepted,
  RestartLayerInput,
  RollbackConfigFileInput,
  SaveConfigFileInput,
  SaveConfigFileResult,
} from "./config-files";

/**
 * The config editor's part of the OpenAPI document. Merge with:
 *   for (const s of CONFIG_FILE_SCHEMAS) registry.add(s, { id: s.meta()!.id })   // component schemas
 *   paths: { ...configFilePaths }
 * Schemas are referenced as #/components/schemas/<id>; errors use the shared "Error" schema.
 */

export const CONFIG_FILE_SCHEMAS = [
  ConfigFileEntry,
  ConfigFileList,
  ConfigFile,
  ConfigRevision,
  ConfigRevisionList,
  SaveConfigFileInput,
  SaveConfigFileResult,
  RollbackConfigFileInput,
  RestartLayerInput,
  RestartAccepted,
] as const;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const body = (id: string, description: string) => ({ description, content: { "application/json": { schema: ref(id) } } });
const TEXT: Record<number, string> = {
  400: "Bad path (not absolute, not normalized, traversal, control characters) or body not JSON",
  401: "Missing or wrong API token",
  404: "Environment, node, layer, revision or catalog path not found",
  409: "Read-only file, file changed since baseSha256, another change under way, or a reload that was rolled back",
  422: "The body does not fit the schema (validation_failed), or the node's tool refused the file (invalid_config: details.tool, details.hostnames that refused it, details.line = the edited line to fix, details.toolLine, details.output)",
  502: "The Docker engine failed",
  503: "The Docker engine is not reachable",
};
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: TEXT[c] ?? "Error", content: { "application/json": { schema: ref("Error") } } }]));
const pathParam = (name: string, description?: string) => ({ name, in: "path", required: true, schema: { type: "string" }, ...(description ? { description } : {}) });
const fileQuery = (required: boolean) => ({
  name: "path",
  in: "query",
  required,
  schema: { type: "string" },
  description: "Absolute path of a file in the node type's catalog, e.g. /etc/php/8.2/apache2/php.ini",
});

function filePaths(prefix: string, params: object[], scope: string) {
  return {
    [`${prefix}/files`]: {
      parameters: params,
      get: {
        summary: `The ${scope}'s editable files (without path), or one file read from the node (with path)`,
        parameters: [fileQuery(false)],
        responses: {
          "200": {
            description: "ConfigFileList without path, ConfigFile with path",
            content: { "application/json": { schema: { oneOf: [ref("ConfigFileList"), ref("ConfigFile")] } } },
          },
          ...errors(400, 401, 404, 409, 502, 503),
        },
      },
      put: {
        summary: `Check the new content with the node's own tool on a staged copy, swap it in on the ${scope}, record a revision, then apply (none, graceful reload, or restart one node at a time)`,
        parameters: [fileQuery(true)],
        requestBody: { required: true, content: { "application/json": { schema: ref("SaveConfigFileInput") } } },
        responses: {
          "200": body("SaveConfigFileResult", "Saved (and reloaded when asked)"),
          "202": body("SaveConfigFileResult", "Saved; the restart runs as a task (task)"),
          ...errors(400, 401, 404, 409, 422, 502, 503),
        },
      },
    },
    [`${prefix}/files/revisions`]: {
      parameters: params,
      get: {
        summary: `Saved versions of a file on the ${scope}, newest first (who, when, node or layer, content)`,
        parameters: [fileQuery(true)],
        responses: { "200": body("ConfigRevisionList", "Revisions"), ...errors(400, 401, 404, 409) },
      },
    },
    [`${prefix}/files/rollback`]: {
      parameters: params,
      post: {
        summary: "Put a revision's content back (checked and recorded like a save)",
        requestBody: { required: true, content: { "application/json": { schema: ref("RollbackConfigFileInput") } } },
        responses: {
          "200": body("SaveConfigFileResult", "Rolled back"),
          "202": body("SaveConfigFileResult", "Rolled back; the restart runs as a task"),
          ...errors(400, 401, 404, 409, 422, 502, 503),
        },
      },
    },
  };
}

const env = pathParam("id");
const node = pathParam("nodeId");
const layer = pathParam("layer", "app or session for files; app, session or balancer for restart");

export const configFilePaths = {
  ...filePaths("/api/v1/environments/{id}/nodes/{nodeId}", [env, node], "node"),
  ...filePaths("/api/v1/environments/{id}/layers/{layer}", [env, layer], "layer (read from its first node, written to every node)"),
  "/api/v1/environments/{id}/layers/{layer}/restart": {
    parameters: [env, layer],
    post: {
      summary:
        "Restart the layer's nodes (or nodeIds) one at a time: drain an app server from the balancer, restart, wait healthy, put back. A node that does not come back within healthTimeoutMs gets the config changes saved since its last start rolled back and is restarted again; the task reports it.",
      requestBody: { required: false, content: { "application/json": { schema: ref("RestartLayerInput") } } },
      responses: { "202": body("RestartAccepted", "The task; follow it on GET /api/v1/environments/{id} (task)"), ...errors(400, 401, 404, 409, 422, 503) },
    },
  },
} as const;
