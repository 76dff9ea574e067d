import { z } from "zod";

/** Live balancing and session statistics: the API's shapes (GET .../stats, the SSE stream, test traffic). */

export const StatusCounts = z
  .object({
    total: z.number().int(),
    "2xx": z.number().int(),
    "3xx": z.number().int(),
    "4xx": z.number().int(),
    "5xx": z.number().int(),
  })
  .meta({ id: "StatusCounts" });
export type StatusCounts = z.infer<typeof StatusCounts>;

const LatencyMs = z
  .object({ p50: z.number().nullable(), p95: z.number().nullable() })
  .describe("Upstream response time of the answering attempt, ms, over the last 60 s (null without requests)");

const COLLECTOR_STATES = ["following", "waiting", "stopped", "off"] as const;
const CollectorInfo = z.object({
  state: z.enum(COLLECTOR_STATES).describe("following: reading the balancer log; waiting: the balancer is not running; stopped: the environment is not running; off: PHLEET_STATS=off"),
  message: z.string().nullable(),
  /** Engine timestamp of the last balancer log line read: the cursor the log is resumed from. */
  cursor: z.string().nullable(),
  reopened: z.number().int().describe("How often the log stream was reopened (balancer restarts)"),
});

const BalancerStats = z.object({
  requests: StatusCounts.describe("Every request through the balancer since the environment was created"),
  failovers: z.number().int().describe("Requests whose upstream list names more than one address"),
  failedAttempts: z.number().int().describe("Upstream attempts that failed over to another node"),
  unattributed: z.number().int().describe("Requests no app node answered (no upstream reachable)"),
  bytes: z.number().int(),
  requestsPerSecond: z.number().describe("Over the last 10 s"),
  latencyMs: LatencyMs,
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().nullable(),
});

export const NodeStats = z
  .object({
    id: z.string(),
    hostname: z.string(),
    ip: z.string(),
    status: z.string().describe("Container status at the last poll"),
    requests: StatusCounts.describe("Requests this node answered since the environment was created"),
    failedAttempts: z.number().int().describe("Attempts on this node that failed over to another node"),
    requestsPerSecond: z.number().describe("Over the last 10 s"),
    share: z.number().nullable().describe("Share of the requests answered over the last 10 s (null without traffic)"),
    latencyMs: LatencyMs,
    cpuPercent: z.number().nullable(),
    memoryBytes: z.number().nullable(),
    memoryLimitBytes: z.number().nullable(),
  })
  .meta({ id: "NodeStats" });
export type NodeStats = z.infer<typeof NodeStats>;

const SessionNodeStats = z.object({
  id: z.string(),
  hostname: z.string(),
  up: z.boolean(),
  items: z.number().int(),
  hits: z.number().int(),
  misses: z.number().int(),
  evictions: z.number().int(),
  connections: z.number().int(),
  bytes: z.number().int(),
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().nullable(),
});

const SessionStats = z.object({
  type: z.enum(["memcached", "redis"]),
  items: z.number().int().describe("Sessions in the store now (see countRule)"),
  hits: z.number().int().describe("Since the environment was created"),
  misses: z.number().int(),
  evictions: z.number().int(),
  hitRatio: z.number().nullable(),
  connections: z.number().int(),
  bytes: z.number().int(),
  countRule: z.string(),
  sampledAt: z.string().nullable(),
  nodes: z.array(SessionNodeStats),
});

export const SeriesPoint = z.object({
  t: z.number().int().describe("Unix seconds, start of the bucket"),
  requests: z.number().int(),
  "2xx": z.number().int(),
  "3xx": z.number().int(),
  "4xx": z.number().int(),
  "5xx": z.number().int(),
  failovers: z.number().int(),
  byNode: z.record(z.string(), z.number()).describe("Requests answered per app node id"),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
});
export type SeriesPoint = z.infer<typeof SeriesPoint>;

export const GaugePoint = z.object({
  t: z.number().int(),
  nodes: z.record(z.string(), z.object({ cpuPercent: z.number(), memoryBytes: z.number() })),
  sessionItems: z.number().int().nullable(),
  hitRatio: z.number().nullable(),
});
export type GaugePoint = z.infer<typeof GaugePoint>;

export const Stats = z
  .object({
    environmentId: z.string(),
    at: z.string(),
    collector: CollectorInfo,
    balancer: BalancerStats,
    nodes: z.array(NodeStats).describe("The app nodes"),
    session: SessionStats,
    series: z.object({
      stepSeconds: z.number().int(),
      points: z.array(SeriesPoint),
      gauges: z.array(GaugePoint),
    }),
  })
  .meta({ id: "Stats" });
export type Stats = z.infer<typeof Stats>;

export const StatsQuery = z.object({
  window: z.coerce.number().int().min(10).max(3600).default(300).describe("Seconds of series to return (live, in memory)"),
  step: z.coerce.number().int().min(1).max(60).default(1).describe("Seconds per series point"),
});

export const HistoryQuery = z.object({
  hours: z.coerce.number().min(1).max(24 * 366).default(24),
});

export const HistoryPoint = z.object({
  at: z.string(),
  bucketSeconds: z.number().int(),
  requests: StatusCounts,
  failovers: z.number().int(),
  byNode: z.record(z.string(), z.number()),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  cpu: z.record(z.string(), z.number()),
  memory: z.record(z.string(), z.number()),
  sessionItems: z.number().nullable(),
  hitRatio: z.number().nullable(),
}).meta({ id: "StatsHistoryPoint" });
export type HistoryPoint = z.infer<typeof HistoryPoint>;
export const StatsHistory = z
  .object({ environmentId: z.string(), retentionHours: z.number(), points: z.array(HistoryPoint) })
  .meta({ id: "StatsHistory" });
export type StatsHistory = z.infer<typeof StatsHistory>;

export const TRAFFIC_LIMITS = { requests: 5000, ratePerSecond: 200, sessions: 50 } as const;

export const TrafficInput = z
  .object({
    requests: z
      .number({ error: `requests must be a whole number from 1 to ${TRAFFIC_LIMITS.requests}` })
      .int(`requests must be a whole number from 1 to ${TRAFFIC_LIMITS.requests}`)
      .min(1, "requests must be at least 1")
      .max(TRAFFIC_LIMITS.requests, `requests must be at most ${TRAFFIC_LIMITS.requests}`)
      .default(500),
    ratePerSecond: z
      .number({ error: `ratePerSecond must be a number from 1 to ${TRAFFIC_LIMITS.ratePerSecond}` })
      .min(1, "ratePerSecond must be at least 1")
      .max(TRAFFIC_LIMITS.ratePerSecond, `ratePerSecond must be at most ${TRAFFIC_LIMITS.ratePerSecond}`)
      .default(50),
    sessions: z
      .number({ error: `sessions must be a whole number from 1 to ${TRAFFIC_LIMITS.sessions}` })
      .int(`sessions must be a whole number from 1 to ${TRAFFIC_LIMITS.sessions}`)
      .min(1, "sessions must be at least 1")
      .max(TRAFFIC_LIMITS.sessions, `sessions must be at most ${TRAFFIC_LIMITS.sessions}`)
      .default(10),
  })
  .strict()
  .meta({ id: "TrafficInput" });
export type TrafficInput = z.infer<typeof TrafficInput>;

export const TrafficRun = z
  .object({
    taskId: z.string(),
    environmentId: z.string(),
    status: z.enum(["running", "succeeded", "failed"]),
    target: z.string().describe("Where the requests go: the balancer's published port on 127.0.0.1"),
    requests: z.number().int(),
    ratePerSecond: z.number(),
    sessions: z.number().int(),
    sent: z.number().int(),
    answered: z.number().int(),
    ok: z.number().int().describe("2xx answers"),
    failed: z.number().int().describe("Non-2xx answers and requests that got no answer"),
    byStatus: z.record(z.string(), z.number()),
    byNode: z.record(z.string(), z.number()).describe("Answers per app server hostname, as the app reported it"),
    distinctSessions: z.number().int().describe("Distinct PHP session ids seen in the answers"),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: "TrafficRun" });
export type TrafficRun = z.infer<typeof TrafficRun>;

export const TrafficState = z.object({ run: TrafficRun.nullable() }).meta({ id: "TrafficState" });
