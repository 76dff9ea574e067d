import type { EnvironmentNode } from "../contracts/environment";
import { db } from "../db/client";
import { findEntry } from "./catalog";
import { unappliedCandidates, type RevisionMeta } from "./revisions";

/**
 * Files whose saved content a node is not running yet, shown on its card as "restart needed": a file that
 * takes effect only on a restart (memcached.conf, redis.conf), and a file that reloads gracefully but was
 * saved (or rolled back) with apply "none". The node keeps the old values until it is restarted.
 */
export async function withPendingRestarts(envId: string, nodes: EnvironmentNode[]): Promise<EnvironmentNode[]> {
  if (!nodes.some((n) => n.startedAt)) return nodes;
  // Light rows first (the view is polled); contents only of the few revisions to compare.
  const revisions: RevisionMeta[] = await db().fileRevision.findMany({
    where: { environmentId: envId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    omit: { content: true },
  });
  if (!revisions.length) return nodes;
  const candidates = new Map<string, { path: string; latest: RevisionMeta; running: RevisionMeta | null }[]>();
  for (const n of nodes) {
    if (!n.startedAt) continue;
    const own = revisions.filter((r) => (r.nodeId === n.id || (r.nodeId === null && r.layer === n.role)) && editable(n.type, r.path));
    const found = unappliedCandidates(own, new Date(n.startedAt), (r) => reloadedLive(n.type, r));
    if (found.length) candidates.set(n.id, found);
  }
  if (!candidates.size) return nodes;
  const ids = [...new Set([...candidates.values()].flat().flatMap((c) => [c.latest.id, ...(c.running ? [c.running.id] : [])]))];
  const rows = await db().fileRevision.findMany({ where: { id: { in: ids } }, select: { id: true, content: true } });
  const content = new Map(rows.map((r) => [r.id, r.content]));
  return nodes.map((n) => {
    const paths = (candidates.get(n.id) ?? []).filter((c) => !c.running || content.get(c.running.id) !== content.get(c.latest.id)).map((c) => c.path);
    return paths.length ? { ...n, pendingRestart: paths } : n;
  });
}

const editable = (nodeType: string, path: string) => {
  const e = findEntry(nodeType, path);
  return !!e && !e.readOnly;
};

/**
 * A save reloaded into the running nodes. Rows older than the applyMode column keep the rule of their
 * time: a graceful file counted as applied by its save, a restart-only file did not.
 */
function reloadedLive(nodeType: string, r: RevisionMeta): boolean {
  if (r.applyMode === null) return findEntry(nodeType, r.path)?.reload === "graceful";
  return r.applyMode === "reload";
}
