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

const isBaseline = (r: RevisionMeta) => r.author === SYSTEM_AUTHOR && r.message === BASELINE_MESSAGE;

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

/** A revision without its content (the light row a node view reads for every file). */
export type RevisionMeta = Omit<RevisionRow, "content">;

/**
 * Pure: the files whose saved content a node may not be running. A node runs what its files held when it
 * last started, plus every save reloaded into it since; a file is a candidate when its newest revision came
 * after the start and is not that running revision (saved with apply "none", a rollback saved without
 * applying, a restart that has not reached the node yet). It is pending when the two contents differ
 * (`running` null: unknown, so pending). `reloadedLive(r)` says whether r was reloaded into the running nodes
 * of its scope. Input: one node's revisions, newest first.
 */
export function unappliedCandidates<R extends RevisionMeta>(revisions: R[], startedAt: Date, reloadedLive: (r: R) => boolean): { path: string; latest: R; running: R | null }[] {
  const byPath = new Map<string, R[]>();
  for (const r of revisions) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  const out: { path: string; latest: R; running: R | null }[] = [];
  for (const [path, list] of byPath) {
    const latest = list[0]!;
    if (latest.createdAt.getTime() <= startedAt.getTime()) continue;
    const running = list.find((r) => r.createdAt.getTime() <= startedAt.getTime() || isBaseline(r) || reloadedLive(r)) ?? null;
    if (running !== latest) out.push({ path, latest, running });
  }
  return out;
}
