import type { EnvironmentNode } from "../contracts/environment";
import { db, type RevisionRow } from "../db/client";
import { catalogFor, findEntry } from "./catalog";
import { pendingChanges } from "./revisions";

/**
 * Files saved since a node last started that take effect only on a restart (memcached.conf,
 * redis.conf): the node keeps running the old values until it is restarted, and the dashboard says so.
 * A file that reloads gracefully is applied by its save (or rolled back), so it is not listed here.
 */
export async function withPendingRestarts(envId: string, nodes: EnvironmentNode[]): Promise<EnvironmentNode[]> {
  const started = nodes.filter((n) => n.startedAt && findRestartFiles(n.type).length);
  if (!started.length) return nodes;
  const revisions: RevisionRow[] = await db().fileRevision.findMany({
    where: { environmentId: envId, path: { in: [...new Set(started.flatMap((n) => findRestartFiles(n.type)))] } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return nodes.map((n) => {
    if (!n.startedAt || !started.includes(n)) return n;
    const own = revisions.filter((r) => r.nodeId === n.id || (r.nodeId === null && r.layer === n.role));
    const paths = pendingChanges(own, new Date(n.startedAt))
      .filter((c) => findEntry(n.type, c.path)?.reload === "restart")
      .map((c) => c.path);
    return paths.length ? { ...n, pendingRestart: paths } : n;
  });
}

const cache = new Map<string, string[]>();
function findRestartFiles(nodeType: string): string[] {
  let paths = cache.get(nodeType);
  if (!paths) {
    paths = catalogFor(nodeType)
      .filter((e) => e.reload === "restart")
      .map((e) => e.path);
    cache.set(nodeType, paths);
  }
  return paths;
}
