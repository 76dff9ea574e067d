import { ENVIRONMENT_ACTIONS, Task, TaskList } from "./environment";

/** OpenAPI paths of the environment-wide actions and the task history, merged into openApiDocument(). */

export const environmentActionSchemas = [Task, TaskList] as const;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const err = (description: string) => ({ description, content: { "application/json": { schema: ref("Error") } } });

const SUMMARY: Record<(typeof ENVIRONMENT_ACTIONS)[number], string> = {
  stop: "Stop every node (balancer, then app servers, then session store); they stay stopped until started",
  start: "Start every node (session store, app servers, balancer), each layer healthy before the next",
  restart: "Rolling restart of the app servers: one at a time, drained from the balancer first; sessions are kept",
};

export const environmentActionPaths = {
  ...Object.fromEntries(
    ENVIRONMENT_ACTIONS.map((action) => [
      `/api/v1/environments/{id}/${action}`,
      {
        parameters: [idParam],
        post: {
          summary: SUMMARY[action],
          description: "Answers 202 with the recorded task; follow it on GET /api/v1/environments/{id} (task) or .../tasks.",
          responses: {
            "202": { description: "The task, started", content: { "application/json": { schema: { type: "object", properties: { task: ref("Task") }, required: ["task"] } } } },
            "401": err("Missing or wrong API token"),
            "404": err("No such environment"),
            "409": err("The environment is not running, or another change (named in the message) is under way"),
            "503": err("The Docker engine is not reachable"),
          },
        },
      },
    ]),
  ),
  "/api/v1/environments/{id}/tasks": {
    parameters: [idParam],
    get: {
      summary: "Task history: every task of the environment (create, scale, restarts, config, stop/start), newest first, each with all its steps",
      parameters: [{ name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } }],
      responses: {
        "200": { description: "The tasks", content: { "application/json": { schema: ref("TaskList") } } },
        "401": err("Missing or wrong API token"),
        "404": err("No such environment"),
        "422": err("limit is out of range"),
      },
    },
  },
};
