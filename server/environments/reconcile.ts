import { config } from "../config";
import { db } from "../db/client";
import { log } from "../log";
import { syncBalancer } from "../nodes/balancer";
import { createNodeContainer } from "./node-container";
import { waitHealthy } from "../nodes/health";
import { acquire, runningOperation } from "../operations/lock";
import { LABEL } from "../runtime/labels";
import type { ContainerRuntime, ContainerState } from "../runtime/types";
import { createTask, isTaskRunning, runTask } from "../tasks/runner";
import { sleep } from "../wait";
import { healNodeLocked } from "./heal";
import { DELETE_STEPS, markDeleteFailed, runDeletion } from "./provision";
import { startProvisioning } from "./service";

/**
 * Compares the database with the containers that carry this installation's labels: finishes or
 * fails what a crash interrupted, adopts what matches, removes orphans, brings back missing nodes.
 */

export interface ReconcileReport {
  interruptedTasks: string[];
  resumed: string[];
  removedContainers: string[];
  removedNetworks: string[];
  adopted: string[];
  recreated: string[];
  started: string[];
}

const INTERRUPTED = "Interrupted: the control plane stopped while this task ran";

export async function reconcile(rt: ContainerRuntime): Promise<ReconcileReport> {
  const cfg = config();
  const report: ReconcileReport = { interruptedTasks: [], resumed: [], removedContainers: [], removedNetworks: [], adopted: [], recreated: [], started: [] };

  // 1. Tasks recorded as under way that no code in this process is running: a crash cut them off.
  const open = await db().task.findMany({ where: { status: { in: ["pending", "running"] } }, include: { environment: true } });
  for (const t of open.filter((t) => !isTaskRunning(t.id))) {
    report.interruptedTasks.push(t.id);
    await db().task.update({ where: { id: t.id }, data: { status: "failed", error: INTERRUPTED, finishedAt: new Date() } });
    await db().taskStep.updateMany({ where: { taskId: t.id, status: "running" }, data: { status: "failed", message: INTERRUPTED, finishedAt: new Date() } });
    await db().taskStep.updateMany({ where: { taskId: t.id, status: "pending" }, data: { status: "skipped" } });
    const env = t.environment;
    if (!env) continue;
    if (runningOperation(env.id)) continue;
    if (env.status === "creating") {
      // Provisioning is idempotent (containers are adopted by name and node label): run it again.
      await startProvisioning(rt, env.id);
      report.resumed.push(env.id);
    } else if (env.status === "deleting") {
      const release = acquire(env.id, "deleting the environment (resumed)");
      const task = await createTask("environment.delete", env.id, DELETE_STEPS).catch((err) => (release(), Promise.reject(err)));
      void runTask(task.id, (ctx) => runDeletion(rt, ctx, env.id), (message) => markDeleteFailed(env.id, message)).finally(release);
      report.resumed.push(env.id);
    }
  }

  // 2. Orphans: labelled containers and networks the database does not know.
  const envs = await loadEnvironments();
  const envIds = new Set(envs.map((e) => e.id));
  const nodeIds = new Set(envs.flatMap((e) => e.nodes.map((n) => n.id)));
  const containers = await rt.listContainers({ [LABEL.instance]: cfg.PHLEET_INSTANCE });
  for (const c of containers) {
    const envId = c.labels[LABEL.environment];
    const nodeId = c.labels[LABEL.node];
    // An environment in the middle of an operation (a scale-in removing its node rows first) is left alone.
    if (envId && envIds.has(envId) && runningOperation(envId)) continue;
    if (!envId || !envIds.has(envId) || !nodeId || !nodeIds.has(nodeId)) {
      await rt.removeContainer(c.id);
      report.removedContainers.push(c.name);
    }
  }
  for (const n of await rt.listNetworks({ [LABEL.instance]: cfg.PHLEET_INSTANCE })) {
    const envId = n.labels[LABEL.environment];
    if (!envId || !envIds.has(envId)) {
      await rt.removeNetwork(n.id);
      report.removedNetworks.push(n.name);
    }
  }

  // 3. Running environments that no operation holds: adopt matching containers, recreate missing ones (with
  //    their layer's saved files), start stopped ones. A busy environment is left for the next round.
  const live = new Map(containers.filter((c) => c.labels[LABEL.node]).map((c) => [c.labels[LABEL.node]!, c]));
  for (const env of envs.filter((e) => e.status === "running" && needsRepair(e, live))) {
    let release: (() => void) | null = null;
    try {
      release = acquire(env.id, "reconciling with the engine", { background: true });
    } catch {
      continue;
    }
    try {
      await repairEnvironment(rt, env, live, report);
    } finally {
      release();
    }
  }
  return report;
}

type EnvWithNodes = Awaited<ReturnType<typeof loadEnvironments>>[number];

/**
 * Whether anything differs from the engine, read without the lock: only an environment that needs a repair
 * takes it, so a user's delete or save is not refused because a no-op round happened to hold it.
 */
function needsRepair(env: EnvWithNodes, live: Map<string, ContainerState>): boolean {
  return env.nodes.some((node) => {
    const c = live.get(node.id);
    if (c && c.id !== node.containerId) return true;
    if (node.desiredState !== "running") return false;
    return !c || (!c.running && c.status !== "restarting");
  });
}
const loadEnvironments = () => db().environment.findMany({ include: { nodes: true } });

async function repairEnvironment(rt: ContainerRuntime, env: EnvWithNodes, live: Map<string, ContainerState>, report: ReconcileReport) {
    let appsChanged = false;
    for (const node of env.nodes) {
      const c = live.get(node.id);
      if (c && c.id !== node.containerId) {
        await db().node.update({ where: { id: node.id }, data: { containerId: c.id } });
        report.adopted.push(node.hostname);
      }
      if (node.desiredState !== "running") continue;
      if (!c) {
        const state = await createNodeContainer(rt, env, node, env.nodes);
        await rt.startContainer(state.id);
        await waitHealthy(rt, state.id, node.type, 60_000).catch((err) => log.warn({ node: node.hostname, err: (err as Error).message }, "recreated node is not healthy yet"));
        report.recreated.push(node.hostname);
        appsChanged ||= node.role === "app";
      } else if (!c.running && c.status !== "restarting" && (await healNodeLocked(rt, node.id, "found stopped by reconciliation").catch(() => false))) {
        report.started.push(node.hostname);
      }
    }
    if (appsChanged) await syncBalancer(rt, env.id).catch(() => undefined);
}

function summary(r: ReconcileReport): string {
  return Object.entries(r)
    .filter(([, v]) => (v as string[]).length)
    .map(([k, v]) => `${k}: ${(v as string[]).join(", ")}`)
    .join("; ");
}

/** Reconciles at start and every 20 s, for as long as the process runs. */
export async function reconcileForever(rt: ContainerRuntime): Promise<void> {
  for (let first = true; ; first = false) {
    try {
      const r = await reconcile(rt);
      const s = summary(r);
      if (s) log.info({ report: r }, `reconciled: ${s}`);
      else if (first) log.info("reconciled: database and engine agree");
    } catch (err) {
      log.warn({ err: (err as Error).message }, "reconciliation failed; retrying");
    }
    await sleep(20_000);
  }
}
