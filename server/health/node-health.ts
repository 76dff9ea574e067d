import type { Environment, EnvironmentNode } from "../contracts/environment";
import type { ContainerState, ContainerStatus } from "../runtime/types";

/**
 * The one place that turns the engine's view of a node into the health the dashboard and the API
 * show (node cards, the environment's "degraded" badge, the statistics' share of traffic).
 *
 * The images' health checks run every 2 s with a 2 s timeout; on a loaded machine a check can miss
 * while the node still serves. So "unhealthy" is reported only once the engine has said so for
 * UNHEALTHY_AFTER_MS without a break (hysteresis): a blip reads as running, a real fault shows within
 * seconds. A container that is stopped, dead or missing is a fact, shown at once.
 */
export const UNHEALTHY_AFTER_MS = 8_000;

export interface HealthMemory {
  /** nodeId -> when the engine first reported it unhealthy in the current streak. */
  unhealthySince: Map<string, number>;
}

export const newHealthMemory = (): HealthMemory => ({ unhealthySince: new Map() });

/** Pure: the status to show for one observation, updating the streak memory. */
export function smoothStatus(memory: HealthMemory, nodeId: string, raw: ContainerStatus, now: number): ContainerStatus {
  if (raw !== "unhealthy") {
    memory.unhealthySince.delete(nodeId);
    return raw;
  }
  const since = memory.unhealthySince.get(nodeId) ?? now;
  memory.unhealthySince.set(nodeId, since);
  return now - since >= UNHEALTHY_AFTER_MS ? "unhealthy" : "running";
}

// One memory per process, shared by every reader, so two views of the same node cannot disagree.
const g = globalThis as unknown as { __phleetHealth?: HealthMemory; __phleetProbedReady?: Map<string, string | null> };
const shared = (g.__phleetHealth ??= newHealthMemory());

/**
 * Containers whose health probe Phleet ran itself and saw pass (server/nodes/health.ts), by container id,
 * with the start they passed in. The engine's first HEALTHCHECK comes only after its interval: until then
 * it says "starting" of a node that already serves, and a view would show a node Phleet just reported
 * ready as starting. An entry goes once the engine has its own verdict, or the container dies.
 */
const probedReady = (g.__phleetProbedReady ??= new Map());

export function markProbedReady(c: Pick<ContainerState, "id" | "startedAt">): void {
  probedReady.set(c.id, c.startedAt);
}

export function forgetProbedReady(containerId: string): void {
  probedReady.delete(containerId);
}

/** The engine's status, with "starting" read as running when Phleet's own probe passed in this same start. */
export function engineStatus(c: Pick<ContainerState, "id" | "status" | "startedAt">): ContainerStatus {
  if (!probedReady.has(c.id)) return c.status;
  if (c.status !== "starting") {
    probedReady.delete(c.id); // the engine has its own verdict now, or the container stopped
    return c.status;
  }
  const startedAt = probedReady.get(c.id);
  // A listing has no start time: the entry stands until the container dies (the heal watcher drops it).
  return !c.startedAt || !startedAt || c.startedAt === startedAt ? "running" : c.status;
}

export function nodeHealth(nodeId: string, raw: ContainerStatus, now = Date.now()): ContainerStatus {
  return smoothStatus(shared, nodeId, raw, now);
}

/** A node that should run and does not serve right now (starting counts as on its way, not down). */
function isDown(status: ContainerStatus): boolean {
  return status !== "running" && status !== "starting";
}

/**
 * stopped: every node was stopped on purpose (an environment-wide Stop); degraded: some node is down,
 * crashed or stopped by hand, so the environment runs with less than it was built with.
 */
export function healthOf(nodes: EnvironmentNode[]): Environment["health"] {
  if (nodes.length && nodes.every((n) => n.desiredState === "stopped")) return "stopped";
  return nodes.some((n) => isDown(n.status)) ? "degraded" : "healthy";
}
