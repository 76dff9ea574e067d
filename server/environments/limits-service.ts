import { LIMIT_LAYERS, type LayerLimits, type LimitLayer, type ResourceLimits } from "../contracts/limits";
import { withLock } from "../operations/lock";
import { db } from "../db/client";
import { AppError, notFound } from "../errors";
import { runtime } from "../runtime";
import { isRuntimeError } from "../runtime/errors";
import type { ContainerRuntime } from "../runtime/types";
import { nodeKind } from "../node-kinds";

/**
 * Resource limits per layer: the desired state is in the database (no row = the node kind's defaults); a
 * change is applied to the layer's running containers with the engine's live update (no restart, so no
 * failed request), and every node created later gets them too (server/nodes/limits.ts).
 */

async function layerOf(envId: string, layer: string) {
  if (!(LIMIT_LAYERS as readonly string[]).includes(layer)) throw notFound("Layer", layer);
  const env = await db().environment.findUnique({ where: { id: envId }, include: { nodes: true, limits: true } });
  if (!env) throw notFound("Environment", envId);
  const nodes = env.nodes.filter((n) => n.role === layer).sort((a, b) => a.ordinal - b.ordinal);
  if (!nodes.length) throw notFound("Layer", layer);
  const row = env.limits.find((l) => l.layer === layer);
  return { env, nodes, row };
}

const pick = (l: ResourceLimits): ResourceLimits => ({ memoryMb: l.memoryMb, cpus: l.cpus, pids: l.pids });

export async function getLayerLimits(envId: string, layer: string): Promise<LayerLimits> {
  const { nodes, row } = await layerOf(envId, layer);
  const defaults = nodeKind(nodes[0]!.type).limits;
  return { layer: layer as LimitLayer, nodeType: nodes[0]!.type, limits: row ? pick(row) : defaults, defaults, custom: !!row };
}

/**
 * Applies new limits to every running node of the layer, then records them. When the engine refuses one (for
 * example memory below what a node uses now), the nodes already changed go back and nothing is recorded.
 */
export async function setLayerLimits(envId: string, layer: string, limits: ResourceLimits, rt: ContainerRuntime = runtime()): Promise<LayerLimits> {
  return withLock(envId, "changing resource limits", async () => {
    const before = await getLayerLimits(envId, layer);
    const { nodes } = await layerOf(envId, layer);
    const done: string[] = [];
    for (const n of nodes) {
      if (!n.containerId) continue;
      try {
        await rt.updateResources(n.containerId, limits);
        done.push(n.containerId);
      } catch (err) {
        if (isRuntimeError(err) && err.kind === "not_found") continue; // gone: it gets the limits when it is made again
        for (const id of done) await rt.updateResources(id, before.limits).catch(() => undefined);
        const why = err instanceof Error ? err.message : String(err);
        throw new AppError("limits_not_applied", `The engine refused the new limits for ${n.hostname}; nothing was changed: ${why}`, 409);
      }
    }
    await db().layerLimit.upsert({
      where: { environmentId_layer: { environmentId: envId, layer } },
      create: { environmentId: envId, layer, ...limits },
      update: limits,
    });
    return getLayerLimits(envId, layer);
  });
}
