import { z } from "zod";
import { CreateEnvironmentInput, Environment, EnvironmentList, EnvironmentNode, NODE_ACTIONS, ScaleEnvironmentInput } from "./environment";
import { ApiError } from "./errors";
import { CONFIG_FILE_SCHEMAS, configFilePaths } from "./openapi-config-files";
import { limitsOpenApiPaths, limitsSchemas } from "./openapi-limits";
import { operateOpenApiPaths, operateSchemas } from "./openapi-operate";
import { Host, HOST_ACTIONS, HostLabelsInput, HostList } from "./hosts";
import { httpsOpenApiPaths, httpsSchemas } from "./openapi-https";
import { DEPLOYMENT_SCHEMAS, deploymentPaths } from "./openapi-deployments";
import { databaseOpenApiPaths, databaseSchemas } from "./openapi-database";
import { statsOpenApiPaths, statsSchemas } from "./openapi-stats";
import { environmentActionPaths, environmentActionSchemas } from "./openapi-environment-actions";

/** OpenAPI 3.1, generated from the same zod schemas the routes validate with. */

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const errorResponses = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? "Error", content: { "application/json": { schema: ref("Error") } } }]));
const ERROR_TEXT: Record<number, string> = {
  400: "The body is not valid JSON",
  401: "Missing or wrong API token",
  404: "Not found",
  409: "Conflict with the current state (for example a taken name)",
  422: "The body does not fit the schema; details lists each problem",
  503: "The Docker engine is not reachable",
};
const idParam = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });

export function openApiDocument(serverUrl: string) {
  const registry = z.registry<{ id: string }>();
  for (const s of [CreateEnvironmentInput, ScaleEnvironmentInput, Environment, EnvironmentList, EnvironmentNode, ApiError, ...CONFIG_FILE_SCHEMAS, ...statsSchemas, ...limitsSchemas, ...environmentActionSchemas, ...operateSchemas, ...httpsSchemas, ...DEPLOYMENT_SCHEMAS, ...databaseSchemas, Host, HostList, HostLabelsInput]) {
    const id = (s.meta() as { id?: string } | undefined)?.id;
    if (id) registry.add(s, { id });
  }
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", io: "input", uri: (id) => `#/components/schemas/${id}` });
  const envJson = (description: string) => ({ description, content: { "application/json": { schema: ref("Environment") } } });

  return {
    openapi: "3.1.0",
    info: { title: "Phleet API", version: "1", description: "Clustered PHP environments on Docker. Every route needs `Authorization: Bearer <token>`." },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: { schemas, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths: {
      "/api/v1/environments": {
        get: { summary: "List environments", responses: { "200": { description: "All environments", content: { "application/json": { schema: ref("EnvironmentList") } } }, ...errorResponses(401, 503) } },
        post: {
          summary: "Create an environment (provisioned asynchronously; follow task.steps)",
          requestBody: { required: true, content: { "application/json": { schema: ref("CreateEnvironmentInput") } } },
          responses: { "202": envJson("Accepted: the environment is being created"), ...errorResponses(400, 401, 409, 422, 503) },
        },
      },
      "/api/v1/environments/{id}": {
        parameters: [idParam("id")],
        get: { summary: "One environment with its nodes and latest task", responses: { "200": envJson("The environment"), ...errorResponses(401, 404, 503) } },
        delete: {
          summary: "Delete an environment and everything it runs; `?keepData=true` keeps its database volume (and its dumps)",
          parameters: [{ name: "keepData", in: "query", required: false, schema: { type: "string", enum: ["true", "false"] } }],
          responses: { "202": envJson("Accepted: status is deleting"), ...errorResponses(401, 404, 422, 503) },
        },
        patch: {
          summary: "Scale the app server layer (new servers join once healthy; leaving ones are drained first)",
          requestBody: { required: true, content: { "application/json": { schema: ref("ScaleEnvironmentInput") } } },
          responses: { "202": envJson("Accepted: follow task.steps"), ...errorResponses(400, 401, 404, 409, 422, 503) },
        },
      },
      ...Object.fromEntries(
        NODE_ACTIONS.map((action) => [
          `/api/v1/environments/{id}/nodes/{nodeId}/${action}`,
          {
            parameters: [idParam("id"), idParam("nodeId")],
            post: {
              summary: `${action[0]!.toUpperCase()}${action.slice(1)} one node`,
              responses: { "200": { description: "The node after the action", content: { "application/json": { schema: ref("Node") } } }, ...errorResponses(401, 404, 409, 503) },
            },
          },
        ]),
      ),
      ...configFilePaths,
      ...statsOpenApiPaths,
      ...limitsOpenApiPaths,
      ...environmentActionPaths,
      ...operateOpenApiPaths,
      ...httpsOpenApiPaths,
      ...deploymentPaths,
      ...databaseOpenApiPaths,
      "/api/v1/hosts": {
        get: {
          summary: "The hosts of a Swarm installation with the nodes each runs (mode single-engine and no hosts otherwise); `?joinCommand=true` adds the command that joins a new host",
          parameters: [{ name: "joinCommand", in: "query", required: false, schema: { type: "string", enum: ["true", "false"] } }],
          responses: { "200": { description: "The hosts", content: { "application/json": { schema: ref("HostList") } } }, ...errorResponses(401, 503) },
        },
      },
      ...Object.fromEntries(
        HOST_ACTIONS.map((action) => [
          `/api/v1/hosts/{hostId}/${action}`,
          {
            parameters: [idParam("hostId")],
            post: {
              summary: action === "drain" ? "Drain a host: Swarm moves its nodes to the other hosts (each is provisioned before it starts)" : "Make a drained host active again",
              responses: { "200": { description: "The host after the change", content: { "application/json": { schema: ref("Host") } } }, ...errorResponses(401, 404, 409, 503) },
            },
          },
        ]),
      ),
      "/api/v1/hosts/{hostId}/labels": {
        parameters: [idParam("hostId")],
        put: {
          summary: "Replace a host's labels (Swarm node labels, for placement of your own such as a zone)",
          requestBody: { required: true, content: { "application/json": { schema: ref("HostLabelsInput") } } },
          responses: { "200": { description: "The host after the change", content: { "application/json": { schema: ref("Host") } } }, ...errorResponses(400, 401, 404, 409, 422, 503) },
        },
      },
      "/api/v1/reconcile": {
        post: { summary: "Reconcile the database with the engine now (adopt, remove orphans, finish interrupted tasks)", responses: { "200": { description: "What changed" }, ...errorResponses(401, 503) } },
      },
      "/api/v1/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } } },
    },
  };
}
