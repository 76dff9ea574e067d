import { CONFIG_LAYERS, RESTART_LAYERS, type ConfigScope } from "../contracts/config-files";
import type { NodeRole } from "../contracts/environment";
import { db, type NodeRow } from "../db/client";
import { AppError, conflict, notFound } from "../errors";

/** Where an edit goes: one node, or every node of a layer (read from the first, written to all). */
export interface ResolvedScope {
  envId: string;
  kind: "node" | "layer";
  nodeId: string | null;
  layer: NodeRole | null;
  role: NodeRole;
  nodeType: string;
  /** Targets by ordinal; the first is the one read and checked. */
  nodes: (NodeRow & { containerId: string })[];
}

export type ScopeRef = { kind: "node"; envId: string; nodeId: string } | { kind: "layer"; envId: string; layer: string };

async function environmentOf(envId: string) {
  const env = await db().environment.findUnique({ where: { id: envId }, include: { nodes: true } });
  if (!env) throw notFound("Environment", envId);
  if (env.status === "creating" || env.status === "deleting") {
    throw conflict(`The environment is ${env.status}; its files can be edited when it is running`);
  }
  return env;
}

function withContainer(n: NodeRow): NodeRow & { containerId: string } {
  if (!n.containerId) throw new AppError("node_missing", `${n.hostname} has no container yet`, 409);
  return n as NodeRow & { containerId: string };
}

export async function resolveScope(ref: ScopeRef, opts: { restart?: boolean } = {}): Promise<ResolvedScope> {
  const env = await environmentOf(ref.envId);
  if (ref.kind === "node") {
    const node = env.nodes.find((n) => n.id === ref.nodeId);
    if (!node) throw notFound("Node", ref.nodeId);
    return { envId: env.id, kind: "node", nodeId: node.id, layer: null, role: node.role, nodeType: node.type, nodes: [withContainer(node)] };
  }
  const allowed: readonly string[] = opts.restart ? RESTART_LAYERS : CONFIG_LAYERS;
  if (!allowed.includes(ref.layer)) throw notFound("Layer", ref.layer);
  const layer = ref.layer as NodeRole; // one of the allowed layers, checked above
  const nodes = env.nodes.filter((n) => n.role === layer).sort((a, b) => a.ordinal - b.ordinal);
  if (!nodes.length) throw notFound("Layer", ref.layer);
  return { envId: env.id, kind: "layer", nodeId: null, layer, role: layer, nodeType: nodes[0]!.type, nodes: nodes.map(withContainer) };
}

export function scopeView(s: ResolvedScope): ConfigScope {
  return { kind: s.kind, nodeId: s.nodeId, layer: s.layer, nodeType: s.nodeType, hostnames: s.nodes.map((n) => n.hostname) };
}
