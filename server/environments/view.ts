import type { Environment, EnvironmentNode, Task } from "../contracts/environment";
import type { ContainerState } from "../runtime/types";
import { containerName, resourcePrefix } from "./topology";
import { sessionWiring } from "./render";
import type { AppServerType, EnvironmentStatus, NodeRole, SessionStoreType } from "../contracts/environment";

/** Maps database rows plus live container states to the API's shapes. */

export interface EnvRow {
  id: string;
  name: string;
  status: string;
  error: string | null;
  appType: string;
  appCount: number;
  sessionType: string;
  sessionCount: number;
  balancerType: string;
  publishedPort: number | null;
  httpsPort: number | null;
  createdAt: Date;
}
export interface NodeRow {
  id: string;
  role: string;
  type: string;
  ordinal: number;
  hostname: string;
  ip: string;
  containerId: string | null;
  desiredState: string;
}
export interface TaskRow {
  id: string;
  kind: string;
  status: string;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  steps: { key: string; title: string; status: string; message: string | null; startedAt: Date | null; finishedAt: Date | null; ordinal: number }[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const ROLE_ORDER: Record<string, number> = { balancer: 0, app: 1, session: 2 };

export function taskView(t: TaskRow): Task {
  return {
    id: t.id,
    kind: t.kind,
    status: t.status as Task["status"],
    error: t.error,
    createdAt: t.createdAt.toISOString(),
    finishedAt: iso(t.finishedAt),
    steps: [...t.steps]
      .sort((a, b) => a.ordinal - b.ordinal)
      .map((s) => ({ key: s.key, title: s.title, status: s.status as Task["steps"][number]["status"], message: s.message, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) })),
  };
}

export function nodeView(n: NodeRow, live: ContainerState | undefined, instance: string): EnvironmentNode {
  return {
    id: n.id,
    role: n.role as NodeRole,
    type: n.type,
    ordinal: n.ordinal,
    hostname: n.hostname,
    ip: n.ip,
    status: live?.status ?? "missing",
    desiredState: n.desiredState === "stopped" ? "stopped" : "running",
    containerId: live?.id ?? n.containerId,
    containerName: live?.name ?? containerName(instance, n.hostname),
    ports: live?.ports.length ? live.ports : defaultPorts(n.role, n.type),
    restartCount: live?.restartCount ?? 0,
    startedAt: live?.startedAt ?? null,
  };
}

function defaultPorts(role: string, type: string) {
  const port = role === "session" ? (type === "redis" ? 6379 : 11211) : 80;
  return [{ containerPort: port, protocol: "tcp" }];
}

export function environmentView(
  env: EnvRow,
  nodes: NodeRow[],
  live: Map<string, ContainerState>,
  task: TaskRow | null,
  publishHost: string,
  instance: string,
): Environment {
  const sessionIps = nodes.filter((n) => n.role === "session").sort((a, b) => a.ordinal - b.ordinal).map((n) => n.ip);
  return {
    id: env.id,
    name: env.name,
    status: env.status as EnvironmentStatus,
    error: env.error,
    url: env.publishedPort ? `http://${publishHost}:${env.publishedPort}` : null,
    httpsUrl: env.httpsPort ? `https://${publishHost}:${env.httpsPort}` : null,
    createdAt: env.createdAt.toISOString(),
    topology: {
      appServer: { type: env.appType as AppServerType, count: nodes.filter((n) => n.role === "app").length || env.appCount },
      sessionStore: { type: env.sessionType as SessionStoreType, count: env.sessionCount },
      loadBalancer: { type: "nginx" },
    },
    nodes: [...nodes]
      .sort((a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || a.ordinal - b.ordinal)
      .map((n) => nodeView(n, live.get(n.id), instance)),
    session: sessionWiring(env.sessionType as SessionStoreType, sessionIps),
    task: task ? taskView(task) : null,
  };
}

export { resourcePrefix };
