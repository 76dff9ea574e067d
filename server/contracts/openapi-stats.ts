import { HistoryPoint, Stats, StatsHistory, StatusCounts, NodeStats, TrafficInput, TrafficRun, TrafficState, TRAFFIC_LIMITS } from "./stats";

/**
 * OpenAPI paths of the statistics routes, to merge into openApiDocument()'s `paths`; `statsSchemas`
 * go into its registry (each carries a meta id) so the `$ref`s below resolve.
 */

export const statsSchemas = [Stats, StatsHistory, StatusCounts, NodeStats, TrafficInput, TrafficRun, TrafficState, HistoryPoint] as const;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const err = (description: string) => ({ description, content: { "application/json": { schema: ref("Error") } } });
const windowParams = [
  { name: "window", in: "query", required: false, schema: { type: "integer", minimum: 10, maximum: 3600, default: 300 }, description: "Seconds of live series (kept in memory, one hour at most)" },
  { name: "step", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 60, default: 1 }, description: "Seconds per series point" },
];

export const statsOpenApiPaths = {
  "/api/v1/environments/{id}/stats": {
    parameters: [idParam],
    get: {
      summary: "Live balancing and session statistics: totals since creation, per app node, session store, CPU/memory, recent series",
      parameters: windowParams,
      responses: {
        "200": { description: "Current figures and the recent series", content: { "application/json": { schema: ref("Stats") } } },
        "401": err("Missing or wrong API token"),
        "404": err("No such environment"),
        "422": err("A query parameter is out of range"),
      },
    },
  },
  "/api/v1/environments/{id}/stats/stream": {
    parameters: [idParam],
    get: {
      summary: "The same statistics as server-sent events, one `stats` event a second",
      description:
        "The first `stats` event carries `window` seconds of series and `full: true`; the next ones carry the last 5 seconds (merge points by `t`, later wins). " +
        "`gone` is sent when the environment is deleted, then the stream ends. A stream ends after 15 minutes; EventSource reconnects by itself.",
      parameters: [windowParams[0]],
      responses: {
        "200": { description: "text/event-stream; each `data:` line is a Stats object", content: { "text/event-stream": { schema: { type: "string" } } } },
        "401": err("Missing or wrong API token"),
        "404": err("No such environment"),
      },
    },
  },
  "/api/v1/environments/{id}/stats/history": {
    parameters: [idParam],
    get: {
      summary: "Downsampled history from the database (one row a minute, merged to at most 720 points; kept PHLEET_STATS_RETENTION_HOURS)",
      parameters: [{ name: "hours", in: "query", required: false, schema: { type: "number", minimum: 1, default: 24 } }],
      responses: {
        "200": { description: "History points, oldest first", content: { "application/json": { schema: ref("StatsHistory") } } },
        "401": err("Missing or wrong API token"),
        "404": err("No such environment"),
      },
    },
  },
  "/api/v1/environments/{id}/traffic": {
    parameters: [idParam],
    get: {
      summary: "The latest test-traffic run of this environment (in this server process)",
      responses: {
        "200": { description: "The run, or null", content: { "application/json": { schema: ref("TrafficState") } } },
        "401": err("Missing or wrong API token"),
        "404": err("No such environment"),
      },
    },
    post: {
      summary: `Send test traffic: GET /counter.php through the balancer's published port on 127.0.0.1 (at most ${TRAFFIC_LIMITS.requests} requests, ${TRAFFIC_LIMITS.ratePerSecond}/s, ${TRAFFIC_LIMITS.sessions} sessions), as a task`,
      requestBody: { required: true, content: { "application/json": { schema: ref("TrafficInput") } } },
      responses: {
        "202": { description: "Started; follow it with GET (or the task record)", content: { "application/json": { schema: ref("TrafficRun") } } },
        "400": err("The body is not valid JSON"),
        "401": err("Missing or wrong API token"),
        "404": err("No such environment"),
        "409": err("The environment is not running, traffic is already running, or balancers are not published on loopback"),
        "422": err("A limit is exceeded; details lists each field"),
      },
    },
  },
} as const;
