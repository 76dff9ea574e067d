import type { Host, HostAction, HostLabelsInput, HostList } from "../contracts/hosts";
import { db } from "../db/client";
import { conflict, notFound } from "../errors";
import { nodeKind } from "../node-kinds";
import { drainFromBalancer } from "../nodes/balancer";
import { excludeMemcachedNode } from "../nodes/session-rejoin";
import { waitAndRun } from "../operations/lock";
import { LABEL, runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";

/**
 * The Hosts page and API: each host of a Swarm with the Phleet nodes it runs, and drain / activate (Swarm
 * moves a drained host's tasks to the others; Phleet provisions each moved node before it starts). On a single
 * engine there is one implicit host and nothing to drain.
 */
export async function listHosts(rt: ContainerRuntime = runtime(), opts: { withJoinCommand?: boolean } = {}): Promise<HostList> {
  if (!rt.listHosts) return { mode: "single-engine", hosts: [], joinCommand: null };
  const [hosts, nodes, envs] = await Promise.all([
    rt.listHosts(),
    db().node.findMany({ select: { id: true, hostname: true, environmentId: true } }),
    db().environment.findMany({ select: { id: true, name: true } }),
  ]);
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const envName = new Map(envs.map((e) => [e.id, e.name]));
  return {
    mode: "swarm",
    // It carries the join token: only when asked for.
    joinCommand: opts.withJoinCommand ? ((await rt.joinCommand?.()) ?? null) : null,
    hosts: hosts.map(
      (h): Host => ({
        ...h,
        nodes: h.containers
          .filter((c) => c.labels[LABEL.node])
          .map((c) => {
            const nodeId = c.labels[LABEL.node]!;
            const environmentId = c.labels[LABEL.environment] ?? "";
            return { environmentId, environmentName: envName.get(environmentId) ?? null, nodeId, hostname: nodeById.get(nodeId)?.hostname ?? null, role: c.labels[LABEL.role] ?? "", state: c.state };
          }),
      }),
    ),
  };
}

/**
 * Before Swarm stops a drained host's tasks, each node on it leaves as a node action would make it leave: an app
 * server is drained from its balancer, a replicated memcached node is left out of every save_path. Swarm starts
 * each replacement while the old task may still answer, so without this an old app server would read the new,
 * still empty memcached node. The heal of each replacement brings it back (rejoin with a refill, balancer sync).
 */
async function leaveHostGracefully(rt: ContainerRuntime, host: Host): Promise<void> {
  const byEnv = new Map<string, string[]>();
  for (const n of host.nodes) byEnv.set(n.environmentId, [...(byEnv.get(n.environmentId) ?? []), n.nodeId]);
  for (const [envId, nodeIds] of byEnv) {
    await waitAndRun(envId, `draining host ${host.name}`, async () => {
      const env = await db().environment.findUnique({ where: { id: envId }, include: { nodes: true } });
      if (!env) return;
      const leaving = env.nodes.filter((n) => nodeIds.includes(n.id));
      const apps = leaving.filter((n) => n.role === "app").map((n) => n.id);
      if (apps.length) await drainFromBalancer(rt, envId, apps);
      for (const n of leaving) {
        if (n.role === "session" && nodeKind(n.type).sessionStore?.replicated(env.sessionCount)) await excludeMemcachedNode(rt, n.id);
      }
    });
  }
}

/** Replaces a host's labels; the host as listed after. */
export async function setHostLabels(hostId: string, input: HostLabelsInput, rt: ContainerRuntime = runtime()): Promise<Host> {
  if (!rt.listHosts || !rt.setHostLabels) throw conflict("Phleet runs on a single Docker engine: there are no hosts to label (README, Several hosts)");
  const before = (await listHosts(rt)).hosts.find((h) => h.id === hostId || h.name === hostId);
  if (!before) throw notFound("Host", hostId);
  await rt.setHostLabels(before.id, input.labels);
  return (await listHosts(rt)).hosts.find((h) => h.id === before.id) ?? before;
}

export async function hostAction(hostId: string, action: HostAction, rt: ContainerRuntime = runtime()): Promise<Host> {
  if (!rt.listHosts || !rt.setHostAvailability) throw conflict("Phleet runs on a single Docker engine: there are no hosts to drain or activate (README, Several hosts)");
  const before = (await listHosts(rt)).hosts.find((h) => h.id === hostId || h.name === hostId);
  if (!before) throw notFound("Host", hostId);
  if (action === "drain") await leaveHostGracefully(rt, before);
  await rt.setHostAvailability(before.id, action === "drain" ? "drain" : "active");
  return (await listHosts(rt)).hosts.find((h) => h.id === before.id) ?? before;
}
