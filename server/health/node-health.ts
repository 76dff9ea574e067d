import type { Environment, EnvironmentNode } from "../contracts/environment";
import type { ContainerStatus } from "../runtime/types";

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
const g = globalThis as unknown as { __phleetHealth?: HealthMemory };
const shared = (g.__phleetHealth ??= newHealthMemory());

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
