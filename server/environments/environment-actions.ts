import { startRollingRestart } from "../config-files/rolling-restart";
import { HEALTH_TIMEOUT } from "../contracts/config-files";
import type { EnvironmentAction, Task } from "../contracts/environment";
import { db } from "../db/client";
import { conflict, notFound } from "../errors";
import { LABEL } from "../runtime/labels";
import { runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";
import { createTask, runTask, type TaskContext } from "../tasks/runner";
import { taskView } from "../tasks/view";
import { waitHealthy } from "../nodes/health";
import { acquire } from "../operations/lock";

/**
 * Environment-wide Stop, Start and Restart, each a recorded task under the environment's change lock.
 * Stop goes from the front (balancer, app servers, session store) so no request meets a half-stopped
 * stack; Start goes from the back and waits for each layer's health before the next. Restart is the
 * rolling restart of the app servers (one at a time, drained first): the session store and the
 * balancer keep running, so the environment keeps serving and sessions are kept.
 */

type Role = "balancer" | "app" | "session";
const STOP_ORDER: Role[] = ["balancer", "app", "session"];
const START_ORDER: Role[] = ["session", "app", "balancer"];
const LAYER_NAME: Record<Role, string> = { balancer: "the load balancer", app: "the app servers", session: "the session store" };

const WHAT: Record<EnvironmentAction, string> = {
  stop: "stopping the environment",
  start: "starting the environment",
  restart: "a rolling restart of the environment",
};

export async function environmentAction(envId: string, action: EnvironmentAction, rt: ContainerRuntime = runtime()): Promise<Task> {
  const env = await db().environment.findUnique({ where: { id: envId }, include: { nodes: true } });
  if (!env) throw notFound("Environment", envId);
  if (env.status !== "running") throw conflict(`The environment is ${env.status}; it can be stopped, started or restarted when it is running`);
  const release = acquire(envId, WHAT[action]);
  try {
    if (action === "restart") {
      const apps = env.nodes.filter((n) => n.role === "app" && n.desiredState === "running").sort((a, b) => a.ordinal - b.ordinal);
      if (!apps.length) throw conflict("No app server is meant to run; start the environment first");
      return await startRollingRestart(rt, envId, apps.map((n) => n.id), { healthTimeoutMs: HEALTH_TIMEOUT.default, kind: "environment.restart", release });
    }
    const order = action === "stop" ? STOP_ORDER : START_ORDER;
    const layers = order.filter((role) => env.nodes.some((n) => n.role === role));
    const verb = action === "stop" ? "Stop" : "Start";
    const task = await createTask(
      `environment.${action}`,
      envId,
      layers.map((role) => ({ key: role, title: `${verb} ${LAYER_NAME[role]}` })),
    );
    void runTask(task.id, (ctx) => run(rt, envId, action, layers, ctx)).finally(release);
    return taskView(await db().task.findUniqueOrThrow({ where: { id: task.id }, include: { steps: true } }));
  } catch (err) {
    release();
    throw err;
  }
}

async function run(rt: ContainerRuntime, envId: string, action: "stop" | "start", layers: Role[], ctx: TaskContext): Promise<void> {
  for (const role of layers) {
    await ctx.step(role, async (progress) => {
      const nodes = await db().node.findMany({ where: { environmentId: envId, role }, orderBy: { ordinal: "asc" } });
      // Recorded first, so self-healing neither fights a stop nor misses a start.
      await db().node.updateMany({ where: { id: { in: nodes.map((n) => n.id) } }, data: { desiredState: action === "stop" ? "stopped" : "running" } });
      await Promise.all(
        nodes.map(async (n) => {
          const live = (await rt.listContainers({ [LABEL.node]: n.id }))[0];
          if (!live) throw new Error(`the container of ${n.hostname} does not exist on the engine`);
          if (action === "stop") {
            if (live.running) await rt.stopContainer(live.id, 10);
          } else {
            if (!live.running) await rt.startContainer(live.id);
            await waitHealthy(rt, live.id, n.type);
          }
        }),
      );
      progress(`${nodes.map((n) => n.hostname).join(", ")} ${action === "stop" ? "stopped" : "running and healthy"}`);
    });
  }
}

/** Every task of the environment, newest first, each with all its steps. */
export async function taskHistory(envId: string, limit = 100): Promise<Task[]> {
  if (!(await db().environment.findUnique({ where: { id: envId }, select: { id: true } }))) throw notFound("Environment", envId);
  const rows = await db().task.findMany({ where: { environmentId: envId }, orderBy: { createdAt: "desc" }, take: limit, include: { steps: true } });
  return rows.map(taskView);
}
