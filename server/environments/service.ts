import { config } from "../config";
import type { CreateEnvironmentInput, Environment, EnvironmentNode, NodeAction } from "../contracts/environment";
import { db } from "../db/client";
import { isReplicatedSessionNode, rejoinMemcachedNode, restartReplicatedSessionNode, stopReplicatedSessionNode } from "../nodes/session-rejoin";
import { acquire, runningOperation, runsBackgroundWork, waitAndRun, withLock } from "../operations/lock";
import { AppError, conflict, notFound, unprocessable } from "../errors";
import { LABEL } from "../runtime/labels";
import { runtime } from "../runtime";
import type { ContainerRuntime, ContainerState } from "../runtime/types";
import { createTask, runTask, settleTasks, type TaskContext } from "../tasks/runner";
import { freeHostPort } from "./ports";
import { CREATE_STEPS, DELETE_STEPS, markDeleteFailed, provision, removeFailedProvisioning, runDeletion } from "./provision";
import { freeBlock, planNodes, subnetOf } from "./topology";
import { newDatabaseRecord } from "./database-record";
import { environmentView, nodeView } from "./view";
import { withPendingRestarts } from "../config-files/pending-restart";
import { waitHealthy } from "../nodes/health";
import { log } from "../log";

const includeAll = {
  nodes: true,
  database: { select: { type: true, name: true, user: true } }, // never the password: the view has no place for it
  tasks: { orderBy: { createdAt: "desc" as const }, take: 1, include: { steps: true } },
} as const;

function liveByNode(containers: ContainerState[]): Map<string, ContainerState> {
  const m = new Map<string, ContainerState>();
  for (const c of containers) {
    const id = c.labels[LABEL.node];
    if (id) m.set(id, c);
  }
  return m;
}

export async function listEnvironments(rt: ContainerRuntime = runtime()): Promise<Environment[]> {
  const cfg = config();
  const envs = await db().environment.findMany({ include: includeAll, orderBy: { createdAt: "desc" } });
  const live = liveByNode(await rt.listContainers({ [LABEL.instance]: cfg.PHLEET_INSTANCE }));
  return envs.map((e) => environmentView(e, e.nodes, live, e.tasks[0] ?? null, cfg.PHLEET_PUBLISH_HOST, cfg.PHLEET_INSTANCE, e.database));
}

export async function getEnvironment(id: string, rt: ContainerRuntime = runtime()): Promise<Environment> {
  const cfg = config();
  const env = await db().environment.findUnique({ where: { id }, include: includeAll });
  if (!env) throw notFound("Environment", id);
  // One environment: inspect each container for the full state (start time, restart count, health).
  const listed = await rt.listContainers({ [LABEL.environment]: id });
  const inspected = await Promise.all(listed.map(async (c) => (await rt.inspectContainer(c.id)) ?? c));
  const live = liveByNode(inspected);
  const view = environmentView(env, env.nodes, live, env.tasks[0] ?? null, cfg.PHLEET_PUBLISH_HOST, cfg.PHLEET_INSTANCE, env.database);
  return { ...view, nodes: await withPendingRestarts(id, view.nodes) };
}

// Subnet and port choices read then write, across environments: one allocation at a time keeps two creations
// apart. (Not the per-environment operation lock: that one exists only once the environment does.)
let allocation: Promise<unknown> = Promise.resolve();
function oneAllocationAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const next = allocation.then(fn, fn);
  allocation = next.catch(() => undefined);
  return next;
}

export async function createEnvironment(input: CreateEnvironmentInput, rt: ContainerRuntime = runtime()): Promise<Environment> {
  const cfg = config();
  if (input.loadBalancer.count > 1) await checkRoomForBalancers(rt, input.loadBalancer.count);
  const env = await oneAllocationAtATime(async () => {
    if (await db().environment.findUnique({ where: { name: input.name } })) {
      throw conflict(`An environment named '${input.name}' already exists`, [{ path: "name", message: "This name is taken" }]);
    }
    const networks = await rt.listNetworks(); // also proves the engine answers before anything is recorded
    const known = await db().environment.findMany({ select: { subnet: true, publishedPort: true, httpsPort: true } });
    const used = [...networks.flatMap((n) => n.subnets), ...known.map((k) => k.subnet).filter((s): s is string => !!s)];
    const block = freeBlock(cfg.PHLEET_SUBNET_POOL, used);
    if (block === null) throw new AppError("no_capacity", `No free /24 left in PHLEET_SUBNET_POOL (${cfg.PHLEET_SUBNET_POOL})`, 503);
    const sub = subnetOf(cfg.PHLEET_SUBNET_POOL, block);
    const usedPorts = new Set(known.flatMap((k) => [k.publishedPort, k.httpsPort]).filter((p): p is number => !!p));
    const port = await freeHostPort(cfg.PHLEET_PUBLISH_HOST, usedPorts);
    // The HAProxy balancer does not terminate HTTPS (yet): it publishes no HTTPS port.
    const httpsPort = input.loadBalancer.type === "nginx" ? await freeHostPort(cfg.PHLEET_PUBLISH_HOST, new Set([...usedPorts, port])) : null;
    try {
      return await db().environment.create({
        data: {
          name: input.name,
          status: "creating",
          appType: input.appServer.type,
          appCount: input.appServer.count,
          sessionType: input.sessionStore.type,
          sessionCount: input.sessionStore.count,
          balancerType: input.loadBalancer.type,
          subnet: sub.cidr,
          publishedPort: port,
          httpsPort,
          nodes: { create: planNodes(input, sub.prefix) },
          database: input.database ? { create: newDatabaseRecord(cfg.PHLEET_INSTANCE, input.name, input.database.type) } : undefined,
        },
      });
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") throw conflict(`An environment named '${input.name}' already exists`);
      throw err;
    }
  });
  await startProvisioning(rt, env.id);
  return getEnvironment(env.id, rt);
}

/** Each balancer needs a host of its own (they publish the same ports there): refused with 422 before anything is recorded. */
async function checkRoomForBalancers(rt: ContainerRuntime, count: number): Promise<void> {
  if (rt.addressing !== "name" || !rt.listHosts) {
    throw unprocessable("Two balancers need several hosts (PHLEET_SWARM_HOSTS): on one engine both would share its address", [
      { path: "loadBalancer.count", message: "Use 1 balancer on one engine" },
    ]);
  }
  const usable = (await rt.listHosts()).filter((h) => h.state === "ready" && h.availability === "active").length;
  if (usable < count) {
    throw unprocessable(`${count} balancers need ${count} hosts that are ready and active; ${usable} ${usable === 1 ? "is" : "are"}`, [
      { path: "loadBalancer.count", message: `At most ${usable} balancer${usable === 1 ? "" : "s"} now` },
    ]);
  }
}

/** The creation task, holding the environment's lock until it ends (also used to resume after a crash). */
export async function startProvisioning(rt: ContainerRuntime, envId: string): Promise<void> {
  const release = acquire(envId, CREATING);
  try {
    const task = await createTask("environment.create", envId, CREATE_STEPS);
    void runTask(task.id, (ctx) => provision(rt, ctx, envId), (message) => removeFailedProvisioning(rt, envId, message)).finally(release);
  } catch (err) {
    release();
    throw err;
  }
}

const CREATING = "creating the environment";
const DELETING = "deleting the environment";

/**
 * Deletion takes the environment's lock like every operation, with two exceptions: it may cancel a creation
 * (the provisioning stops at its next step, then the deletion takes over), so a stuck creation can be removed;
 * and it waits for background work (healing a node, reconciliation, a scheduled backup) instead of refusing,
 * since the user did not start that work and cannot know when it ends.
 */
export async function deleteEnvironment(id: string, rt: ContainerRuntime = runtime(), options: { keepData?: boolean } = {}): Promise<Environment> {
  const env = await db().environment.findUnique({ where: { id }, include: { tasks: { where: { status: { in: ["pending", "running"] } } } } });
  if (!env) throw notFound("Environment", id);
  if (env.status === "deleting") return getEnvironment(id, rt);
  const waitsForTheRunningOne = runningOperation(id) === CREATING || runsBackgroundWork(id);
  const release = waitsForTheRunningOne ? null : acquire(id, DELETING);
  try {
    await db().environment.update({ where: { id }, data: { status: "deleting" } });
    // Recorded, so a deletion resumed after a restart keeps (or removes) the database volume as asked.
    await db().database.updateMany({ where: { environmentId: id }, data: { keepDataOnDelete: options.keepData === true } });
    const earlier = env.tasks.map((t) => t.id);
    const task = await createTask("environment.delete", id, DELETE_STEPS);
    const work = async (ctx: TaskContext) => {
      if (!release) {
        await settleTasks(earlier); // the provisioning stops at its next step and releases the lock
        const done = await waitAndRun(id, DELETING, () => runDeletion(rt, ctx, id), { background: false });
        if (!done) throw new Error(`the operation it waits for (${runningOperation(id) ?? "?"}) did not end`);
      } else await runDeletion(rt, ctx, id);
    };
    void runTask(task.id, work, (message) => markDeleteFailed(id, message)).finally(() => release?.());
  } catch (err) {
    release?.();
    throw err;
  }
  return getEnvironment(id, rt);
}

const NODE_ACTION_HEALTH_WAIT_MS = 30_000;

export async function nodeAction(envId: string, nodeId: string, action: NodeAction, rt: ContainerRuntime = runtime()): Promise<EnvironmentNode> {
  const cfg = config();
  const node = await db().node.findFirst({ where: { id: nodeId, environmentId: envId }, include: { environment: true } });
  if (!node) {
    if (!(await db().environment.findUnique({ where: { id: envId } }))) throw notFound("Environment", envId);
    throw notFound("Node", nodeId);
  }
  if (node.environment.status === "creating" || node.environment.status === "deleting") {
    throw conflict(`The environment is ${node.environment.status}; try again when it is running`);
  }
  await withLock(envId, `${action} ${node.hostname}`, async () => {
    const live = (await rt.listContainers({ [LABEL.node]: node.id }))[0];
    if (!live) throw new AppError("node_missing", `The container of ${node.hostname} does not exist on the engine`, 409);
    await db().node.update({ where: { id: node.id }, data: { desiredState: action === "stop" ? "stopped" : "running" } });
    if (await isReplicatedSessionNode(node.id)) {
      // It holds replicas the app servers read: it leaves save_path before it stops and is refilled when it
      // starts (the rejoin waits until it is healthy).
      if (action === "stop") await stopReplicatedSessionNode(rt, node.id);
      else if (action === "start") await (live.running ? Promise.resolve() : rejoinMemcachedNode(rt, node.id));
      else await restartReplicatedSessionNode(rt, node.id);
    } else if (action === "stop") await rt.stopContainer(live.id, 10);
    else {
      if (action === "start") await rt.startContainer(live.id);
      else await rt.restartContainer(live.id, 10);
      // The answer comes once the node serves again, not only once the engine started it. A node that does
      // not pass its probe in time is still restarted: the answer shows its state rather than an error.
      await waitHealthy(rt, live.id, node.type, NODE_ACTION_HEALTH_WAIT_MS).catch((err: unknown) =>
        log.warn({ node: node.hostname, err: err instanceof Error ? err.message : String(err) }, `${action}: the node is not healthy yet`),
      );
    }
  });
  const after = (await rt.listContainers({ [LABEL.node]: node.id }))[0];
  return nodeView(node, after, cfg.PHLEET_INSTANCE);
}
