import type { Environment } from "../contracts/environment";
import { db } from "../db/client";
import { conflict, notFound } from "../errors";
import { drainFromBalancer, syncBalancer } from "../nodes/balancer";
import { createNodeContainer } from "./node-container";
import { waitHealthy } from "../nodes/health";
import { acquire } from "../operations/lock";
import { runtime } from "../runtime";
import { LABEL } from "../runtime/labels";
import type { ContainerRuntime } from "../runtime/types";
import { createTask, runTask } from "../tasks/runner";
import { getEnvironment } from "./service";
import { MAX_APP_ORDINAL, parseSubnet, planNode } from "./topology";

/**
 * Horizontal scaling of the app layer with no failed request: new servers join the balancer only
 * once healthy; leaving ones are drained (marked down, in-flight requests finish) before they stop.
 */
export async function scaleAppServers(envId: string, count: number, rt: ContainerRuntime = runtime()): Promise<Environment> {
  const env = await loadEnvironment(envId);
  if (!env) throw notFound("Environment", envId);
  if (env.status !== "running") throw conflict(`The environment is ${env.status}; it can be scaled when it is running`);
  const apps = env.nodes.filter((n) => n.role === "app").sort((a, b) => a.ordinal - b.ordinal);
  if (count === apps.length) return getEnvironment(envId, rt);
  const release = acquire(envId, `scaling the app layer to ${count}`);
  try {
    await startScaling(rt, env, apps, count, release);
  } catch (err) {
    release();
    throw err;
  }
  return getEnvironment(envId, rt);
}

type EnvWithNodes = NonNullable<Awaited<ReturnType<typeof loadEnvironment>>>;
const loadEnvironment = (envId: string) => db().environment.findUnique({ where: { id: envId }, include: { nodes: true } });

async function startScaling(rt: ContainerRuntime, env: EnvWithNodes, apps: EnvWithNodes["nodes"], count: number, release: () => void) {
  const envId = env.id;

  const growing = count > apps.length;
  const task = await createTask(
    "environment.scale",
    envId,
    growing
      ? [
          { key: "add", title: `Start ${count - apps.length} more app server${count - apps.length > 1 ? "s" : ""}` },
          { key: "balancer", title: "Add them to the balancer" },
        ]
      : [
          { key: "drain", title: "Drain the leaving app servers from the balancer" },
          { key: "remove", title: `Remove ${apps.length - count} app server${apps.length - count > 1 ? "s" : ""}` },
        ],
  );
  await db().environment.update({ where: { id: envId }, data: { appCount: count } });

  void runTask(task.id, async (ctx) => {
    if (growing) {
      await ctx.step("add", async (progress) => {
        const { prefix } = parseSubnet(env.subnet!);
        let ordinal = apps.at(-1)?.ordinal ?? 0;
        const created = [];
        for (let i = apps.length; i < count; i++) {
          ordinal += 1;
          if (ordinal > MAX_APP_ORDINAL) throw new Error("no address left for another app server");
          const plan = planNode(env.name, prefix, "app", env.appType, ordinal);
          created.push(await db().node.create({ data: { ...plan, environmentId: envId } }));
        }
        const all = await db().node.findMany({ where: { environmentId: envId } });
        await Promise.all(
          created.map(async (node) => {
            const state = await createNodeContainer(rt, env, node, all);
            await rt.startContainer(state.id);
            await waitHealthy(rt, state.id, node.type);
          }),
        );
        progress(created.map((n) => `${n.hostname} ${n.ip}`).join(", "));
      });
      await ctx.step("balancer", () => syncBalancer(rt, envId));
    } else {
      const leaving = apps.slice(count);
      await ctx.step("drain", async (progress) => {
        // Returns once the requests already on them are answered.
        await drainFromBalancer(rt, envId, leaving.map((n) => n.id), { fallbackWaitMs: 1500 });
        progress(leaving.map((n) => n.hostname).join(", "));
      });
      await ctx.step("remove", async () => {
        await db().node.deleteMany({ where: { id: { in: leaving.map((n) => n.id) } } });
        await syncBalancer(rt, envId);
        for (const n of leaving) {
          const live = (await rt.listContainers({ [LABEL.node]: n.id }))[0];
          if (live) {
            await rt.stopContainer(live.id, 10);
            await rt.removeContainer(live.id);
          }
        }
      });
    }
  }).finally(release);
}
