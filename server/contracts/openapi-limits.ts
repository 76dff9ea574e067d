import { LayerLimits, LIMIT_LAYERS, ResourceLimits } from "./limits";

/** OpenAPI paths of a layer's resource limits, merged into openApiDocument()'s `paths`; the schemas go into its registry. */

export const limitsSchemas = [ResourceLimits, LayerLimits] as const;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const err = (description: string) => ({ description, content: { "application/json": { schema: ref("Error") } } });
const ok = (description: string) => ({ description, content: { "application/json": { schema: ref("LayerLimits") } } });

export const limitsOpenApiPaths = {
  "/api/v1/environments/{id}/layers/{layer}/limits": {
    parameters: [
      { name: "id", in: "path", required: true, schema: { type: "string" } },
      { name: "layer", in: "path", required: true, schema: { type: "string", enum: [...LIMIT_LAYERS] } },
    ],
    get: {
      summary: "Memory, CPU and process limits of each node of the layer (the node kind's defaults unless changed)",
      responses: { "200": ok("The limits in force and the defaults"), "401": err("Missing or wrong API token"), "404": err("No such environment or layer") },
    },
    put: {
      summary: "Change the layer's limits: applied to its running nodes in place (no restart) and to every node created later",
      requestBody: { required: true, content: { "application/json": { schema: ref("ResourceLimits") } } },
      responses: {
        "200": ok("Applied and recorded"),
        "400": err("The body is not valid JSON"),
        "401": err("Missing or wrong API token"),
        "404": err("No such environment or layer"),
        "409": err("Another change is under way, or the engine refused the limits (nothing was changed)"),
        "422": err("A limit is out of range"),
      },
    },
  },
};
