import { config } from "../config";
import { db } from "../db/client";
import { log } from "../log";
import { nodeKind } from "../node-kinds";
import { syncBalancer } from "../nodes/balancer";
import { waitHealthy } from "../nodes/health";
import { forgetProbedReady } from "../health/node-health";
import { waitAndRun } from "../operations/lock";
import { LABEL } from "../runtime/labels";
import type { ContainerRuntime, EngineEvent } from "../runtime/types";
import { sleep } from "../wait";
import { applyAppLayerState } from "../deployments/apply-state";
import { excludeMemcachedNode, rejoinMemcachedNode } from "../nodes/session-rejoin";

/**
 * Self-healing: a node that dies while it should run (a crash, an engine kill, an OOM) is started
 * again. The engine's restart policy does not cover a kill through the API, so Phleet watches events.
 * Healing is an operation like any other: it waits for the environment's lock, so it never races a
 * scale, a save or a rolling restart (whose own restarts it then finds running, and leaves alone).
 */

/** Heals the node if it is still down when the environment is free. */
export async function healNode(rt: ContainerRuntime, nodeId: string, reason: string): Promise<boolean> {
  const node = await db().node.findUnique({ where: { id: nodeId } });
  if (!node) return false;
  try {
    const done = await waitAndRun(node.environmentId, `healing ${node.hostname}`, () => healNodeLocked(rt, nodeId, reason));
    if (!done) log.debug({ node: node.hostname, reason }, "not healing a node: its environment stayed busy; reconciliation will retry");
    return done?.result ?? false;
  } catch (err) {
    log.error({ nodeId, err }, "healing a node failed");
    return false;
  }
}

/** The heal itself, for a caller that holds the environment's lock (reconciliation). */
export async function healNodeLocked(rt: ContainerRuntime, nodeId: string, reason: string): Promise<boolean> {
  const node = await db().node.findUnique({ where: { id: nodeId }, include: { environment: true } });
  const skip = (why: string) => {
    log.debug({ node: node?.hostname ?? nodeId, reason, why }, "not healing a node");
    return false;
  };
  if (!node || node.desiredState !== "running" || node.environment.status !== "running") return skip(`desired ${node?.desiredState}, environment ${node?.environment.status}`);
  const live = (await rt.listContainers({ [LABEL.node]: nodeId }))[0];
  if (!live || live.running || live.status === "restarting" || live.status === "removing") return skip(`container ${live ? live.status : "missing"}`);
  log.warn({ node: node.hostname, reason }, "node is down while it should run: starting it again");
  if (nodeKind(node.type).sessionStore?.replicated(node.environment.sessionCount)) {
    // It comes back empty: it must not be read from before it holds the sessions again.
    await db().node.update({ where: { id: node.id }, data: { containerId: live.id } });
    await rejoinMemcachedNode(rt, node.id);
    return true;
  }
  // A deployment may have happened while it was down: it gets the current release and variables first.
  await applyAppLayerState(rt, node.environmentId, { role: node.role, containerId: live.id });
  await rt.startContainer(live.id);
  await waitHealthy(rt, live.id, node.type, 60_000);
  if (node.role === "app") await syncBalancer(rt, node.environmentId).catch(() => undefined);
  log.info({ node: node.hostname }, "node healed");
  return true;
}

/** A node of a replicated session store that died while it should run is left out of save_path now, not after the heal delay. */
async function excludeIfReplicatedSessionNode(rt: ContainerRuntime, nodeId: string): Promise<void> {
  const node = await db().node.findUnique({ where: { id: nodeId }, include: { environment: true } });
  if (!node || !nodeKind(node.type).sessionStore?.replicated(node.environment.sessionCount)) return;
  if (node.desiredState !== "running" || node.environment.status !== "running") return;
  await waitAndRun(node.environmentId, `leaving ${node.hostname} out of save_path`, async () => {
    // Waited for an operation (a rolling restart of this layer, say)? Only a node still down is left out.
    const live = (await rt.listContainers({ [LABEL.node]: nodeId }))[0];
    if (live?.running) return;
    await excludeMemcachedNode(rt, nodeId);
  });
}

function onEvent(rt: ContainerRuntime, e: EngineEvent) {
  if (e.type !== "container" || e.action !== "die") return;
  forgetProbedReady(e.id);
  const nodeId = e.labels[LABEL.node];
  if (!nodeId) return;
  void excludeIfReplicatedSessionNode(rt, nodeId).catch((err) => log.warn({ nodeId, err: (err as Error).message }, "leaving a dead session node out failed"));
  // Give a stop requested through Phleet time to record itself, and the restart policy its chance.
  setTimeout(() => void healNode(rt, nodeId, `exited with code ${e.exitCode ?? "?"}`), 1500);
}

/** Follows the engine's events for this installation's containers, for as long as the process runs. */
export async function watchAndHeal(rt: ContainerRuntime): Promise<void> {
  const instance = config().PHLEET_INSTANCE;
  for (;;) {
    const ctrl = new AbortController();
    try {
      // Deaths only: the health checks' own exec events (three per check, every 2 s per node) stay in the engine.
      await rt.watchEvents({ [LABEL.instance]: instance }, (e) => onEvent(rt, e), ctrl.signal, ["die"]);
    } catch (err) {
      log.warn({ err: (err as Error).message }, "engine event stream failed; retrying");
    }
    await sleep(2000);
  }
}
