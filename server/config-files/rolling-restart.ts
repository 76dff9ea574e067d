import type { Task } from "../contracts/environment";
import { db, type NodeRow } from "../db/client";
import { log } from "../log";
import { drainFromBalancer, syncBalancer } from "../nodes/balancer";
import { revisionsForNode } from "../nodes/desired-files";
import { waitHealthy } from "../nodes/health";
import { isReplicatedSessionNode, restartReplicatedSessionNode } from "../nodes/session-rejoin";
import { isRuntimeError } from "../runtime/errors";
import { acquire } from "../operations/lock";
import type { ContainerRuntime, ContainerState } from "../runtime/types";
import { createTask, runTask, type TaskContext } from "../tasks/runner";
import { taskView } from "../tasks/view";
import { pendingChanges, SYSTEM_AUTHOR, type PendingChange } from "./revisions";

/**
 * Restarts nodes one at a time so the environment keeps serving: an app server is drained from the
 * balancer first and put back once healthy. A node that does not come back healthy in time gets the
 * config changes saved since it last started rolled back to their previous revisions, is restarted
 * again, and the rollout stops there with a report of what happened.
 */

export interface RollingRestartOptions {
  healthTimeoutMs: number;
  /** Time for the balancer's in-flight requests to the drained node to finish. */
  drainWaitMs?: number;
  /** Task kind recorded (config.restart after a save, nodes.restart otherwise). */
  kind?: string;
  /** Releases the environment's change lock when the task ends (taken here when not given). */
  release?: () => void;
}

type Target = NodeRow & { containerId: string; environmentId: string };

class NodeNotHealthyError extends Error {
  constructor(
    readonly node: Target,
    readonly reason: string,
  ) {
    super(reason);
    this.name = "NodeNotHealthyError";
  }
}

const ROLLBACK_STEP = "rollback";

/** Creates the task, starts it in the background and returns it (steps: one per node, then rollback). */
export async function startRollingRestart(rt: ContainerRuntime, envId: string, nodeIds: string[], opts: RollingRestartOptions): Promise<Task> {
  const release = opts.release ?? acquire(envId, "a rolling restart");
  try {
    const nodes = await targets(envId, nodeIds);
    const task = await createTask(opts.kind ?? "nodes.restart", envId, [
      ...nodes.map((n) => ({ key: stepKey(n), title: `Restart ${n.hostname}` })),
      { key: ROLLBACK_STEP, title: "Roll back if a node does not come back healthy" },
    ]);
    void runTask(task.id, (ctx) => rollingRestart(rt, envId, nodes, ctx, opts)).finally(release);
    const row = await db().task.findUniqueOrThrow({ where: { id: task.id }, include: { steps: true } });
    return taskView(row);
  } catch (err) {
    release();
    throw err;
  }
}

const stepKey = (n: { id: string }) => `restart-${n.id}`;

async function targets(envId: string, nodeIds: string[]): Promise<Target[]> {
  const rows = await db().node.findMany({ where: { environmentId: envId, id: { in: nodeIds } } });
  const order = new Map(nodeIds.map((id, i) => [id, i]));
  return rows
    .filter((n): n is typeof n & { containerId: string } => !!n.containerId)
    .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

async function rollingRestart(rt: ContainerRuntime, envId: string, nodes: Target[], ctx: TaskContext, opts: RollingRestartOptions): Promise<void> {
  for (const node of nodes) {
    const startedBefore = (await rt.inspectContainer(node.containerId))?.startedAt ?? null;
    try {
      await ctx.step(stepKey(node), (progress) => restartOne(rt, envId, node, opts, progress));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const report = await ctx.step(ROLLBACK_STEP, (progress) => recover(rt, envId, node, startedBefore, reason, opts, progress));
      throw new Error(report);
    }
  }
  await ctx.skip(ROLLBACK_STEP, "Not needed: every node came back healthy");
}

/** Drain (app servers), restart, wait until healthy, put back. Throws NodeNotHealthyError, leaving the node drained. */
async function restartOne(rt: ContainerRuntime, envId: string, node: Target, opts: RollingRestartOptions, progress: (m: string) => void): Promise<void> {
  if (await isReplicatedSessionNode(node.id)) {
    // A plain restart would bring it back empty while the app servers read from it: it leaves and rejoins.
    progress(`Leaving ${node.hostname} out of save_path, restarting it and refilling it from its replica`);
    const { copied } = await restartReplicatedSessionNode(rt, node.id);
    progress(`${node.hostname} is healthy again and holds the sessions (${copied} copied)`);
    return;
  }
  const drains = node.role === "app";
  if (drains) {
    progress(`Draining ${node.hostname} from the balancer`);
    await drainFromBalancer(rt, envId, [node.id], { fallbackWaitMs: opts.drainWaitMs ?? 1000 });
  }
  progress(`Restarting ${node.hostname}`);
  // The engine's restart returns once the container runs again, so every state read after it is of the new start.
  await rt.restartContainer(node.containerId, 10);
  progress(`Waiting for ${node.hostname} to pass its health check`);
  const state = await waitRestartedHealthy(rt, node, opts.healthTimeoutMs);
  if (drains) {
    progress(`${node.hostname} is healthy; back in rotation`);
    await syncBalancer(rt, envId);
  }
  progress(`${node.hostname} is healthy again${state.restartCount ? ` (restart count ${state.restartCount})` : ""}`);
}

async function waitRestartedHealthy(rt: ContainerRuntime, node: Target, timeoutMs: number): Promise<ContainerState> {
  try {
    return await waitHealthy(rt, node.containerId, node.type, timeoutMs);
  } catch (err) {
    const status = (await rt.inspectContainer(node.containerId).catch(() => null))?.status ?? "missing";
    // A time-out is said once, below; an exit or a vanished container keeps the engine's words.
    const why = isRuntimeError(err) && err.kind === "timeout" ? "" : `: ${err instanceof Error ? err.message : String(err)}`;
    throw new NodeNotHealthyError(node, `${node.hostname} did not become healthy within ${Math.round(timeoutMs / 1000)} s after the restart (status: ${status})${why}`);
  }
}

/** After a failed restart: roll back the node's pending config changes, restart it again, report. */
async function recover(
  rt: ContainerRuntime,
  envId: string,
  node: Target,
  startedBefore: string | null,
  reason: string,
  opts: RollingRestartOptions,
  progress: (m: string) => void,
): Promise<string> {
  const revisions = await revisionsForNode(envId, node);
  const changes = startedBefore ? pendingChanges(revisions, new Date(startedBefore)) : [];
  if (!changes.length) {
    throw new Error(`${reason}. No config change was saved since it last started, so there is nothing to roll back; see its log with: docker logs ${node.hostname}`);
  }
  const done: string[] = [];
  for (const change of changes) {
    if (!change.target) {
      done.push(`${change.path}: no earlier revision to go back to`);
      continue;
    }
    progress(`Restoring ${change.path} on ${change.latest.nodeId ? node.hostname : `every ${node.role} node`}`);
    await restore(rt, envId, node, change, reason);
    done.push(`${change.path} restored to the revision of ${change.target.createdAt.toISOString()}`);
  }
  progress(`Restarting ${node.hostname} with the previous configuration`);
  try {
    await restartOne(rt, envId, node, opts, progress);
  } catch (err) {
    const again = err instanceof Error ? err.message : String(err);
    throw new Error(`${reason}. Rolled back: ${done.join("; ")}. It is still not healthy after the rollback: ${again}`);
  }
  const report = `${reason}. Rolled back automatically: ${done.join("; ")}; ${node.hostname} was restarted again and is healthy. The remaining nodes were not restarted.`;
  progress(report);
  log.warn({ envId, node: node.hostname }, report);
  return report;
}

async function restore(rt: ContainerRuntime, envId: string, node: Target, change: PendingChange, reason: string): Promise<void> {
  const target = change.target!;
  const layerWide = change.latest.nodeId === null;
  const nodes = layerWide
    ? (await db().node.findMany({ where: { environmentId: envId, role: change.latest.layer ?? node.role } })).filter((n) => !!n.containerId)
    : [node];
  for (const n of nodes) await rt.writeFiles(n.containerId!, [{ path: change.path, content: target.content, mode: 0o644 }]);
  await db().fileRevision.create({
    data: {
      environmentId: envId,
      nodeId: change.latest.nodeId,
      layer: change.latest.layer,
      path: change.path,
      content: target.content,
      author: SYSTEM_AUTHOR,
      message: `Automatic rollback: ${reason}`,
      // Only the failed node is restarted with it: a layer's other nodes run what they last started with.
      applyMode: "restart",
    },
  });
}
