import { z } from "zod";
import { CONTAINER_STATUSES } from "../runtime/types";

const APP_SERVER_TYPES = ["apache-php", "nginx-php"] as const;
const SESSION_STORE_TYPES = ["memcached", "redis"] as const;
const BALANCER_TYPES = ["nginx", "haproxy"] as const;
const DATABASE_TYPES = ["mariadb", "postgresql"] as const;
export const NODE_ROLES = ["balancer", "app", "session", "database"] as const;
const ENVIRONMENT_STATUSES = ["creating", "running", "failed", "deleting"] as const;

export const LIMITS = {
  appServers: { min: 1, max: 8 },
  sessionNodes: { min: 1, max: 3 },
  /** Two only on several hosts, each on its own host (on one engine they would share its address). */
  balancers: { min: 1, max: 2 },
  name: { max: 40 },
} as const;

export type AppServerType = (typeof APP_SERVER_TYPES)[number];
export type SessionStoreType = (typeof SESSION_STORE_TYPES)[number];
export type BalancerType = (typeof BALANCER_TYPES)[number];
export type DatabaseType = (typeof DATABASE_TYPES)[number];
export type NodeRole = (typeof NODE_ROLES)[number];
export type NodeType = AppServerType | SessionStoreType | BalancerType | DatabaseType;

const countOf = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} count must be a whole number from ${min} to ${max}` })
    .int(`${what} count must be a whole number from ${min} to ${max}`)
    .min(min, `${what} count must be at least ${min}`)
    .max(max, `${what} count must be at most ${max}`);

export const EnvironmentName = z
  .string({ error: "Name is required" })
  .min(1, "Name is required")
  .max(LIMITS.name.max, `Name must be at most ${LIMITS.name.max} characters`)
  .regex(/^[a-z0-9-]+$/, "Name may contain only lowercase letters, digits and hyphens")
  .regex(/^[a-z0-9].*[a-z0-9]$|^[a-z0-9]$/, "Name must start and end with a letter or digit");

export const CreateEnvironmentInput = z
  .object({
    name: EnvironmentName,
    appServer: z
      .object({
        type: z.enum(APP_SERVER_TYPES, { error: `App server type must be one of: ${APP_SERVER_TYPES.join(", ")}` }),
        count: countOf("App server", LIMITS.appServers.min, LIMITS.appServers.max),
      })
      .strict(),
    sessionStore: z
      .object({
        type: z.enum(SESSION_STORE_TYPES, { error: `Session store type must be one of: ${SESSION_STORE_TYPES.join(", ")}` }),
        count: countOf("Session node", LIMITS.sessionNodes.min, LIMITS.sessionNodes.max),
      })
      .strict(),
    loadBalancer: z
      .object({
        type: z.enum(BALANCER_TYPES, { error: `Load balancer type must be one of: ${BALANCER_TYPES.join(", ")}` }),
        count: countOf("Balancer", LIMITS.balancers.min, LIMITS.balancers.max)
          .default(1)
          .describe("2 only on several hosts: each balancer on its own host, publishing the environment's ports there"),
      })
      .strict()
      .default({ type: "nginx", count: 1 }),
    database: z
      .object({ type: z.enum(DATABASE_TYPES, { error: `Database type must be one of: ${DATABASE_TYPES.join(", ")}` }) })
      .strict()
      .optional()
      .describe("One database node (its data on a named volume); credentials are generated"),
  })
  .strict()
  .meta({ id: "CreateEnvironmentInput" });
export type CreateEnvironmentInput = z.infer<typeof CreateEnvironmentInput>;

const NodeStatus = z.enum(CONTAINER_STATUSES);

const NodePort = z.object({
  containerPort: z.number().int(),
  protocol: z.string(),
  hostIp: z.string().optional(),
  hostPort: z.number().int().optional(),
});

export const EnvironmentNode = z
  .object({
    id: z.string(),
    role: z.enum(NODE_ROLES),
    type: z.string(),
    ordinal: z.number().int(),
    hostname: z.string(),
    ip: z.string().describe("Address on the environment network now (on several hosts it changes when the node moves)"),
    address: z.string().describe("How the other nodes reach it, the value that goes into session.save_path: its IP on one engine, its hostname on several hosts"),
    host: z.string().nullable().describe("Several hosts: the host that runs it now; null on one engine"),
    pinnedToHost: z.boolean().describe("Several hosts: it stays on its host (a database node, whose data volume is local there) and waits for it if the host is lost"),
    status: NodeStatus,
    desiredState: z.enum(["running", "stopped"]),
    containerId: z.string().nullable(),
    containerName: z.string(),
    ports: z.array(NodePort),
    restartCount: z.number().int(),
    startedAt: z.string().nullable(),
    pendingRestart: z
      .array(z.string())
      .describe(
        "Files whose saved content the node is not running: saved since it started and taking effect only on a restart, or saved (or rolled back) without applying; it runs the old values until restarted",
      ),
  })
  .meta({ id: "Node" });
export type EnvironmentNode = z.infer<typeof EnvironmentNode>;

export const TaskStep = z.object({
  key: z.string(),
  title: z.string(),
  status: z.enum(["pending", "running", "succeeded", "failed", "skipped"]),
  message: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type TaskStep = z.infer<typeof TaskStep>;

export const Task = z
  .object({
    id: z.string(),
    kind: z.string(),
    status: z.enum(["pending", "running", "succeeded", "failed"]),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    steps: z.array(TaskStep),
  })
  .meta({ id: "Task" });
export type Task = z.infer<typeof Task>;

export const DatabaseInfo = z
  .object({ type: z.enum(DATABASE_TYPES), host: z.string(), port: z.number().int(), name: z.string(), user: z.string() })
  .meta({ id: "DatabaseInfo" });
export type DatabaseInfo = z.infer<typeof DatabaseInfo>;

export const DatabaseCredentials = z
  .object({ host: z.string(), port: z.number().int(), name: z.string(), user: z.string(), password: z.string() })
  .meta({ id: "DatabaseCredentials" });
export type DatabaseCredentials = z.infer<typeof DatabaseCredentials>;

export const Environment = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(ENVIRONMENT_STATUSES),
    error: z.string().nullable(),
    url: z.string().nullable().describe("The load balancer's published address"),
    httpsUrl: z.string().nullable().describe("The balancer's HTTPS address (null for environments created before HTTPS existed)"),
    balancers: z
      .array(z.object({ hostname: z.string(), url: z.string().nullable(), httpsUrl: z.string().nullable() }))
      .describe("Every balancer's addresses; `url` and `httpsUrl` are the first one's. Two on several hosts: point DNS at both"),
    createdAt: z.string(),
    topology: z.object({
      appServer: z.object({ type: z.enum(APP_SERVER_TYPES), count: z.number().int() }),
      sessionStore: z.object({ type: z.enum(SESSION_STORE_TYPES), count: z.number().int() }),
      loadBalancer: z.object({ type: z.enum(BALANCER_TYPES), count: z.number().int() }),
      database: z.object({ type: z.enum(DATABASE_TYPES) }).nullable(),
    }),
    nodes: z.array(EnvironmentNode),
    health: z
      .enum(["healthy", "degraded", "stopped"])
      .describe("degraded: a node is down (its health check failing for 8 s, stopped, dead or missing); stopped: every node was stopped on purpose"),
    session: z.object({ saveHandler: z.string(), savePath: z.string() }),
    database: DatabaseInfo.nullable().describe("Where the app servers find the database (no password: see .../database/credentials)"),
    task: Task.nullable(),
  })
  .meta({ id: "Environment" });
export type Environment = z.infer<typeof Environment>;

export const EnvironmentList = z.object({ items: z.array(Environment) }).meta({ id: "EnvironmentList" });

export const NODE_ACTIONS = ["restart", "stop", "start"] as const;
/** Environment-wide: stop every node, start every node, or restart the app servers one at a time. */
export const ENVIRONMENT_ACTIONS = ["stop", "start", "restart"] as const;
export type EnvironmentAction = (typeof ENVIRONMENT_ACTIONS)[number];
export const TaskList = z.object({ items: z.array(Task) }).meta({ id: "TaskList" });
export const NodeAction = z.enum(NODE_ACTIONS, { error: `Action must be one of: ${NODE_ACTIONS.join(", ")}` });
export type NodeAction = z.infer<typeof NodeAction>;

export const ScaleEnvironmentInput = z
  .object({
    appServer: z.object({ count: countOf("App server", LIMITS.appServers.min, LIMITS.appServers.max) }).strict(),
  })
  .strict()
  .meta({ id: "ScaleEnvironmentInput" });
export type ScaleEnvironmentInput = z.infer<typeof ScaleEnvironmentInput>;

export const DeleteEnvironmentQuery = z
  .object({ keepData: z.enum(["true", "false"], { error: "keepData must be true or false" }).optional() })
  .strict();
