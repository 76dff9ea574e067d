import type { AppServerType, BalancerType, DatabaseType, Environment, EnvironmentNode, SessionStoreType } from "../contracts/environment";
import type { EnvRow, NodeRow, TaskRow, TaskStepRow } from "../db/client";
import { nodeKind } from "../node-kinds";
import { REDIS_APP_USER, SECRET_MASK, sessionWiring } from "../node-kinds/render";
import { containerName, nodeAddress } from "../nodes/names";
import type { ContainerState } from "../runtime/types";
import { taskView } from "../tasks/view";
import { engineStatus, healthOf, nodeHealth } from "../health/node-health";

/** Maps database rows plus live container states to the API's shapes. */

const ROLE_ORDER: Record<string, number> = { balancer: 0, app: 1, session: 2, database: 3 };

export function nodeView(n: NodeRow, live: ContainerState | undefined, instance: string): EnvironmentNode {
  return {
    id: n.id,
    role: n.role,
    type: n.type,
    ordinal: n.ordinal,
    hostname: n.hostname,
    ip: live?.ips[Object.keys(live.ips)[0] ?? ""] || n.ip,
    address: nodeAddress(n),
    host: live?.host ?? null,
    pinnedToHost: live?.pinnedToHost ?? false,
    status: live ? nodeHealth(n.id, engineStatus(live)) : "missing",
    desiredState: n.desiredState,
    containerId: live?.id ?? n.containerId,
    containerName: live?.name ?? containerName(instance, n.hostname),
    ports: live?.ports.length ? live.ports : [{ containerPort: nodeKind(n.type).port, protocol: "tcp" }],
    restartCount: live?.restartCount ?? 0,
    startedAt: live?.startedAt ?? null,
    pendingRestart: [],
  };
}

export function environmentView(
  env: EnvRow,
  nodes: NodeRow[],
  live: Map<string, ContainerState>,
  task: (TaskRow & { steps: TaskStepRow[] }) | null,
  publishHost: string,
  instance: string,
  database: { type: string; name: string; user: string } | null = null,
): Environment {
  const views = [...nodes]
    .sort((a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || a.ordinal - b.ordinal)
    .map((n) => nodeView(n, live.get(n.id), instance));
  const dbNode = nodes.find((n) => n.role === "database");
  // On several hosts each balancer publishes the environment's ports on the host that runs it.
  const balancers = nodes
    .filter((n) => n.role === "balancer")
    .sort((a, b) => a.ordinal - b.ordinal)
    .map((b) => {
      const host = live.get(b.id)?.hostAddress || publishHost;
      return {
        hostname: b.hostname,
        url: env.publishedPort ? `http://${host}:${env.publishedPort}` : null,
        httpsUrl: env.httpsPort ? `https://${host}:${env.httpsPort}` : null,
      };
    });
  const sessionIps = nodes.filter((n) => n.role === "session").sort((a, b) => a.ordinal - b.ordinal).map(nodeAddress);
  return {
    id: env.id,
    name: env.name,
    status: env.status,
    error: env.error,
    url: balancers[0]?.url ?? null,
    httpsUrl: balancers[0]?.httpsUrl ?? null,
    balancers,
    createdAt: env.createdAt.toISOString(),
    topology: {
      appServer: { type: env.appType as AppServerType, count: nodes.filter((n) => n.role === "app").length || env.appCount },
      sessionStore: { type: env.sessionType as SessionStoreType, count: env.sessionCount },
      loadBalancer: { type: env.balancerType as BalancerType, count: balancers.length || 1 },
      database: database ? { type: database.type as DatabaseType } : null,
    },
    nodes: views,
    health: healthOf(views),
    // The Redis password is a secret: shown masked (the app servers have the real one).
    session: sessionWiring(env.sessionType as SessionStoreType, sessionIps, env.sessionType === "redis" ? { user: REDIS_APP_USER, password: SECRET_MASK } : undefined),
    database:
      database && dbNode
        ? { type: database.type as DatabaseType, host: nodeAddress(dbNode), port: nodeKind(dbNode.type).port, name: database.name, user: database.user }
        : null,
    task: task ? taskView(task) : null,
  };
}
