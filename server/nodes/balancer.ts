import { db } from "../db/client";
import { RuntimeError } from "../runtime/errors";
import type { ContainerRuntime } from "../runtime/types";
import { nodeKind } from "../node-kinds";
import { renderUpstreamConf, UPSTREAM_CONF_PATH } from "../node-kinds/render";

/**
 * Rewrites the balancer's upstream from the database (every app server, minus the drained ones),
 * checks it with `nginx -t` and reloads gracefully; on a failed check the previous file is put back.
 */
export async function syncBalancer(rt: ContainerRuntime, envId: string, opts: { drain?: string[] } = {}): Promise<void> {
  const nodes = await db().node.findMany({ where: { environmentId: envId } });
  const balancer = nodes.find((n) => n.role === "balancer");
  if (!balancer?.containerId) throw new RuntimeError("the environment has no balancer container", "not_found");
  const drain = new Set(opts.drain ?? []);
  const apps = nodes.filter((n) => n.role === "app").sort((a, b) => a.ordinal - b.ordinal);
  // Drained servers are left out rather than marked down: with one server left, nginx never marks the
  // group unavailable after a failed attempt (max_fails), so a drain cannot turn a hiccup into 502s.
  let upstreams = apps.filter((a) => !drain.has(a.id)).map((a) => ({ ip: a.ip, port: nodeKind(a.type).port }));
  if (!upstreams.length) upstreams = apps.slice(0, 1).map((a) => ({ ip: a.ip, port: nodeKind(a.type).port })); // nginx needs one server
  const next = renderUpstreamConf(upstreams);
  const previous = await rt.readFile(balancer.containerId, UPSTREAM_CONF_PATH);
  if (previous === next) return;
  await rt.writeFiles(balancer.containerId, [{ path: UPSTREAM_CONF_PATH, content: next }]);
  const check = await rt.exec(balancer.containerId, ["nginx", "-t", "-q"], { timeoutMs: 10_000 });
  if (check.exitCode !== 0) {
    if (previous !== null) await rt.writeFiles(balancer.containerId, [{ path: UPSTREAM_CONF_PATH, content: previous }]);
    throw new RuntimeError(`the balancer refused the new upstream: ${check.stderr.trim()}`, "failed");
  }
  const reload = await rt.exec(balancer.containerId, ["nginx", "-s", "reload"], { timeoutMs: 10_000 });
  if (reload.exitCode !== 0) throw new RuntimeError(`nginx reload failed: ${reload.stderr.trim()}`, "failed");
}
