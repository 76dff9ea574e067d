import { AuditPage, AuditRecord } from "./audit";
import { LogEntry, LogPage, LogSourceInfo, LOG_LIMITS } from "./logs";

/** OpenAPI paths of logs, the terminal channel and the audit trail; `operateSchemas` join the registry. */

export const operateSchemas = [LogEntry, LogPage, LogSourceInfo, AuditRecord, AuditPage] as const;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const err = (description: string) => ({ description, content: { "application/json": { schema: ref("Error") } } });
const path = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
const q = (name: string, schema: object, description: string) => ({ name, in: "query", required: false, schema, description });

const logParams = [
  q("source", { type: "string", default: "output" }, "A log source of the node's kind (the answer's `sources` lists them): output, access, error, php, slow, store"),
  q("tail", { type: "integer", minimum: 0, maximum: LOG_LIMITS.tail.max, default: LOG_LIMITS.tail.default }, "The last N matching lines (per node)"),
  q("since", { type: "string" }, "Only lines from this time on: RFC 3339, or a duration back from now (90s, 15m, 2h, 1d)"),
  q("follow", { type: "boolean", default: false }, "Server-sent events: `page` (the last lines), then one `line` event per new line, until the client goes away"),
  q("stream", { type: "string", enum: ["stdout", "stderr"] }, "Only one stream"),
  q("q", { type: "string", maxLength: 200 }, "Only lines containing this text (case-insensitive)"),
  q("format", { type: "string", enum: ["json", "text"], default: "json" }, "text: a plain-text download, one line per entry: time, node, stream, text"),
];

const logResponses = {
  "200": {
    description: "The lines, oldest first (JSON, text, or an event stream with follow=true)",
    content: { "application/json": { schema: ref("LogPage") }, "text/plain": { schema: { type: "string" } }, "text/event-stream": { schema: { type: "string" } } },
  },
  "401": err("Missing or wrong API token"),
  "404": err("No such environment, node or layer"),
  "422": err("A query parameter is out of range, or the source is not one of this node's"),
  "503": err("The Docker engine is not reachable"),
};

export const operateOpenApiPaths = {
  "/api/v1/environments/{id}/nodes/{nodeId}/logs": {
    parameters: [path("id"), path("nodeId")],
    get: { summary: "A node's logs: its container output and the log files of its kind (readable when it is stopped)", parameters: logParams, responses: logResponses },
  },
  "/api/v1/environments/{id}/layers/{layer}/logs": {
    parameters: [path("id"), { ...path("layer"), schema: { type: "string", enum: ["app", "session", "balancer"] } }],
    get: { summary: "A layer's logs: its nodes' lines merged by time, each tagged with its node", parameters: logParams, responses: logResponses },
  },
  "/api/v1/environments/{id}/nodes/{nodeId}/terminal": {
    parameters: [path("id"), path("nodeId")],
    get: {
      summary: "Web terminal (WebSocket upgrade): a shell with a pseudo-terminal in the node",
      description:
        "Dashboard sessions only: the session cookie and an Origin of this host are required. Binary frames carry the terminal's bytes (UTF-8) both ways; " +
        'the client sends {"type":"resize","cols":N,"rows":N} as a text frame. Close codes: 4401 signed out, 4408 idle timeout, 4404 no such node, ' +
        "4409 node not running, 4000 the shell ended. At most PHLEET_TERMINAL_MAX terminals run at once (429). Start and end are recorded in the audit trail.",
      responses: { "101": { description: "Switching protocols" }, "401": err("No signed-in session"), "403": err("Foreign Origin"), "429": err("Too many terminals open") },
    },
  },
  "/api/v1/audit": {
    get: {
      summary: "The audit trail, newest first: every mutating action and terminal session",
      parameters: [
        q("environmentId", { type: "string" }, "Only this environment's records"),
        q("action", { type: "string" }, "environment.create, environment.scale, environment.delete, node.start|stop|restart, config.save, config.rollback, layer.restart, traffic.send, reconcile, auth.sign-in, auth.sign-out, terminal.session"),
        q("outcome", { type: "string", enum: ["success", "failure", "running"] }, "How it ended (running: a terminal still open)"),
        q("from", { type: "string", format: "date-time" }, "Not before"),
        q("to", { type: "string", format: "date-time" }, "Not after"),
        q("limit", { type: "integer", minimum: 1, maximum: 200, default: 50 }, "Records per page"),
        q("cursor", { type: "string" }, "The previous page's nextCursor"),
      ],
      responses: { "200": { description: "One page of records", content: { "application/json": { schema: ref("AuditPage") } } }, "400": err("Unknown cursor or from after to"), "401": err("Missing or wrong API token"), "422": err("A filter does not fit") },
    },
  },
};
