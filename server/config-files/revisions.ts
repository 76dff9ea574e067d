import type { ConfigRevision } from "../contracts/config-files";
import type { NodeRole } from "../contracts/environment";
import { db, type RevisionRow } from "../db/client";

/** FileRevision queries: a layer's history, and which revisions are not live yet (a node's own: ../nodes/desired-files.ts). */

export const BASELINE_MESSAGE = "Original file, before the first change made in Phleet";
export const SYSTEM_AUTHOR = "phleet";


export function revisionView(r: RevisionRow, hostnames: Map<string, string>): ConfigRevision {
  return {
    id: r.id,
    path: r.path,
    nodeId: r.nodeId,
    hostname: r.nodeId ? (hostnames.get(r.nodeId) ?? null) : null,
    layer: r.layer,
    author: r.author,
    message: r.message,
    createdAt: r.createdAt.toISOString(),
    content: r.content,
  };
}

/** The layer's history of a file: layer-wide revisions and those of its nodes. Newest first. */
export function revisionsForLayer(envId: string, layer: NodeRole, nodeIds: string[], path: string): Promise<RevisionRow[]> {
  return db().fileRevision.findMany({
    where: { environmentId: envId, path, OR: [{ nodeId: null, layer }, { nodeId: { in: nodeIds } }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

const isBaseline = (r: RevisionRow) => r.author === SYSTEM_AUTHOR && r.message === BASELINE_MESSAGE;

export interface PendingChange {
  path: string;
  /** The newest revision saved since the node last started. */
  latest: RevisionRow;
  /** What the node ran before: the newest revision that is not pending, or null when unknown. */
  target: RevisionRow | null;
}

/**
 * Pure: the files changed since a node started (revisions newer than its start, the recorded
 * originals excepted), each with the revision to go back to. Input: one node's revisions, newest first.
 */
export function pendingChanges(revisions: RevisionRow[], startedAt: Date): PendingChange[] {
  const byPath = new Map<string, RevisionRow[]>();
  for (const r of revisions) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  const out: PendingChange[] = [];
  for (const [path, list] of byPath) {
    const pending = (r: RevisionRow) => r.createdAt.getTime() > startedAt.getTime() && !isBaseline(r);
    const latest = list[0];
    if (!latest || !pending(latest)) continue;
    const target = list.find((r) => !pending(r)) ?? null;
    out.push({ path, latest, target });
  }
  return out;
}
