import { db, type NodeRow, type RevisionRow } from "../db/client";
import { nodeKind } from "../node-kinds";
import type { FileSpec } from "../runtime/types";

/**
 * A layer's desired state, files part: what the config editor saved for a node's layer and for the node
 * itself. Every node gets it before it serves, however it came to exist (created, scaled in, healed,
 * rebuilt by reconciliation), so a saved php.ini is never lost on a new container.
 */

/** Every revision that wrote this node's copy of a file (all files when no path): its own and its layer's. Newest first. */
export function revisionsForNode(envId: string, node: Pick<NodeRow, "id" | "role">, path?: string): Promise<RevisionRow[]> {
  return db().fileRevision.findMany({
    where: { environmentId: envId, ...(path ? { path } : {}), OR: [{ nodeId: node.id }, { nodeId: null, layer: node.role }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

/** The saved content of each edited file of the node: the newest revision per path, for its kind's editable files. */
export async function desiredFiles(envId: string, node: Pick<NodeRow, "id" | "role" | "type">): Promise<FileSpec[]> {
  const editable = new Set(nodeKind(node.type).files.filter((f) => !f.readOnly).map((f) => f.path));
  const newest = new Map<string, string>();
  for (const r of await revisionsForNode(envId, node)) {
    if (editable.has(r.path) && !newest.has(r.path)) newest.set(r.path, r.content);
  }
  return [...newest].map(([path, content]) => ({ path, content, mode: 0o644 }));
}
