import { registerBackground } from "../background";
import { config } from "../config";
import { db } from "../db/client";
import { log } from "../log";
import { runtime } from "../runtime";
import { LABEL } from "../runtime/labels";
import type { ContainerRuntime, EngineEvent } from "../runtime/types";
import { isTaskRunning } from "../tasks/runner";
import { syncBalancer } from "./balancer";
import { waitHealthy } from "./nodes";
import { applyAppLayerState } from "../deployments/apply-state";
import { excludeMemcachedNode, rejoinMemcachedNode } from "./session-rejoin";

/**
 * Self-healing: a node that dies while it should run (a crash, an engine kill, an OOM) is started
 * again. The engine's restart policy does not cover a kill through the API, so Phleet watches events.
 */

const healing = new Set<string>();

export async function healNode(rt: ContainerRuntime, nodeId: string, reason: string): Promise<boolean> {
  if (healing.has(nodeId)) {
    log.debug({ nodeId, reason }, "not healing a node: it is being healed already");
    return false;
  }
  healing.add(nodeId);
  try {
    const node = await db().node.findUnique({ where: { id: nodeId }, include: { environment: { include: { tasks: { where: { status: { in: ["pending", "running"] } } } } } } });
    const skip = (why: string) => {
      log.debug({ node: node?.hostname ?? nodeId, reason, why }, "not healing a node");
      return false;
    };
    if (!node || node.desiredState !== "running" || node.environment.status !== "running") return skip(`desired ${node?.desiredState}, environment ${node?.environment.status}`);
    if (node.environment.tasks.some((t) => isTaskRunning(t.id))) return skip("a task of its environment runs"); // that task owns the containers now
    const live = (await rt.listContainers({ [LABEL.node]: nodeId }))[0];
    if (!live || live.running || live.status === "restarting" || live.status === "removing") return skip(`container ${live ? live.status : "missing"}`);
    log.warn({ node: node.hostname, reason }, "node is down while it should run: starting it again");
    if (node.role === "session" && node.type === "memcached" && node.environment.sessionCount > 1) {
      // It comes back empty: it must not be read from before it holds the sessions again.
      await db().node.update({ where: { id: node.id }, data: { containerId: live.id } });
      await rejoinMemcachedNode(rt, node.id);
      return true;
    }
    await applyAppLayerState(rt, node.environmentId, { role: node.role, containerId: live.id });
    await rt.startContainer(live.id);
    await waitHealthy(rt, live.id, 60_000);
    if (node.role === "app") await syncBalancer(rt, node.environmentId).catch(() => undefined);
    log.info({ node: node.hostname }, "node healed");
    return true;
  } catch (err) {
    log.error({ nodeId, err }, "healing a node failed");
    return false;
  } finally {
    healing.delete(nodeId);
  }
}

/** A replicated memcached node that died while it should run is left out of save_path now, not after the heal delay. */
async function excludeIfSessionNode(rt: ContainerRuntime, nodeId: string): Promise<void> {
  if (healing.has(nodeId)) return; // a rejoin in progress owns save_path
  const node = await db().node.findUnique({ where: { id: nodeId }, include: { environment: true } });
  if (!node || node.role !== "session" || node.type !== "memcached" || node.environment.sessionCount < 2) return;
  if (node.desiredState !== "running" || node.environment.status !== "running") return;
  await excludeMemcachedNode(rt, nodeId);
}

function onEvent(rt: ContainerRuntime, e: EngineEvent) {
  if (e.type !== "container" || e.action !== "die") return;
  const nodeId = e.labels[LABEL.node];
  if (!nodeId) return;
  void excludeIfSessionNode(rt, nodeId).catch((err) => log.warn({ nodeId, err: (err as Error).message }, "leaving a dead session node out failed"));
  // Give a stop requested through Phleet time to record itself, and the restart policy its chance.
  setTimeout(() => void healNode(rt, nodeId, `exited with code ${e.exitCode ?? "?"}`), 1500);
}

async function watchForever(rt: ContainerRuntime) {
  const instance = config().PHLEET_INSTANCE;
  for (;;) {
    const ctrl = new AbortController();
    try {
      await rt.watchEvents({ [LABEL.instance]: instance }, (e) => onEvent(rt, e), ctrl.signal);
    } catch (err) {
      log.warn({ err: (err as Error).message }, "engine event stream failed; retrying");
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

registerBackground("self-heal", () => {
  void watchForever(runtime());
});
