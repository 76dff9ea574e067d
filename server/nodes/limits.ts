import type { ResourceLimits } from "../contracts/limits";
import { db } from "../db/client";
import { nodeKind } from "../node-kinds";

/** The resource limits a new container of this node gets: its layer's, or its kind's defaults. */
export async function limitsForNode(envId: string, role: string, nodeType: string): Promise<ResourceLimits> {
  const row = await db().layerLimit.findUnique({ where: { environmentId_layer: { environmentId: envId, layer: role } } });
  return row ? { memoryMb: row.memoryMb, cpus: row.cpus, pids: row.pids } : nodeKind(nodeType).limits;
}
