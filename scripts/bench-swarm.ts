/**
 * The multi-host figures of issue 18 on the 3-host Swarm lab (docker-in-docker, server/testing/swarm-lab.ts), driven
 * by a control plane with PHLEET_SWARM_HOSTS: requests/s through the balancer with 2 and with 4 app servers spread
 * over the hosts (wrk, counter page, one session per connection), and the time from a host's death to every node of
 * the environment serving again. Load goes only to the balancer's port on its lab host, a container this bench made.
 * Never fails on a timing. `npm run bench -- swarm` runs only this.
 */
import crypto from "node:crypto";
import type { Environment } from "../server/contracts/environment";
import { startApp } from "../server/testing/app-server";
import { subnetPoolOf } from "../server/testing/instances";
import { startSwarmLab } from "../server/testing/swarm-lab";
import { sweepInstance } from "../server/testing/sweep";
import { sleep } from "../server/wait";
import { apiOf, fmt } from "./bench-ops";
import { runWrk } from "./bench-sessions";

const INSTANCE = "bench-swarm";
const SECONDS = Number(process.env.BENCH_SWARM_SECONDS ?? 10);
const log = (line: string) => console.log(`[bench-swarm] ${line}`);

export interface SwarmFigures {
  rps: Record<number, number>;
  placement: Record<number, string>;
  hostLossToServingMs: number | null;
  killed: string | null;
}

export async function benchSwarm(): Promise<SwarmFigures> {
  // The lab's own registry, configured as a user's would be (the multi-host suite covers the one Phleet runs).
  const lab = await startSwarmLab({ instance: INSTANCE, log });
  if (!lab.registry) throw new Error("the lab was started without its registry");
  const token = `bench_${crypto.randomBytes(12).toString("hex")}`;
  const app = await startApp({
    PHLEET_INSTANCE: INSTANCE,
    PHLEET_API_TOKEN: token,
    PHLEET_SUBNET_POOL: subnetPoolOf(INSTANCE),
    PHLEET_SWARM_HOSTS: lab.swarmHostsSetting,
    PHLEET_REGISTRY: lab.registry.pull,
    PHLEET_REGISTRY_PUSH: lab.registry.push,
    PHLEET_LOG_LEVEL: "warn",
  });
  const api = apiOf(app.url, token);
  // null while the API cannot answer (the managers electing a new leader after a host's loss, say).
  const get = async (id: string) => {
    const r = await api("GET", `/api/v1/environments/${id}`);
    return r.status === 200 ? (r.json as Environment) : null;
  };
  const waitFor = async (what: string, id: string, ok: (e: Environment) => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = await get(id);
      if (e && ok(e)) return e;
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s (${e?.status ?? "no answer"}, ${e?.error ?? ""})`);
      await sleep(1000);
    }
  };
  const where = (e: Environment) => e.nodes.map((n) => `${n.hostname}@${n.host}`).join(" ");
  const figures: SwarmFigures = { rps: {}, placement: {}, hostLossToServingMs: null, killed: null };
  try {
    const created = (await api("POST", "/api/v1/environments", { name: "bench-swarm", appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 2 } })).json as Environment;
    let env = await waitFor("creation", created.id, (e) => e.status !== "creating", 300_000);
    if (env.status !== "running") throw new Error(`creation failed: ${env.error}`);
    for (const count of [2, 4]) {
      if (count !== env.nodes.filter((n) => n.role === "app").length) {
        await api("PATCH", `/api/v1/environments/${env.id}`, { appServer: { count } });
        env = await waitFor(`scaling to ${count}`, env.id, (e) => e.task?.kind === "environment.scale" && e.task.status !== "running" && e.task.status !== "pending", 180_000);
        await sleep(2000);
      }
      figures.placement[count] = where(env);
      const w = await runWrk(`${env.url}/counter.php`, SECONDS);
      figures.rps[count] = w.rps;
      log(`${count} app servers (${figures.placement[count]}): ${w.rps.toFixed(0)} req/s, ${w.non2xx} non-2xx, ${w.socketErrors} socket errors`);
    }
    await api("PATCH", `/api/v1/environments/${env.id}`, { appServer: { count: 2 } });
    env = await waitFor("scaling back to 2", env.id, (e) => e.task?.kind === "environment.scale" && e.task.status !== "running" && e.task.status !== "pending" && e.nodes.filter((n) => n.role === "app").length === 2, 180_000);
    const balancerHost = env.nodes.find((n) => n.role === "balancer")?.host;
    const victim = lab.hosts.find((h) => h.name !== balancerHost && env.nodes.some((n) => n.host === h.name && n.role === "app"));
    if (victim) {
      figures.killed = `${victim.name} (${env.nodes.filter((n) => n.host === victim.name).map((n) => n.hostname).join(", ")})`;
      const killedAt = Date.now();
      await lab.killHost(victim);
      await waitFor("every node serving again", env.id, (e) => e.nodes.every((n) => n.status === "running" && !!n.host && n.host !== victim.name), 180_000);
      figures.hostLossToServingMs = Date.now() - killedAt;
      log(`killed ${figures.killed}: every node serving again after ${fmt(figures.hostLossToServingMs)}`);
    }
  } finally {
    await app.stop();
    await sweepInstance(INSTANCE);
  }
  return figures;
}

export function printSwarm(f: SwarmFigures) {
  console.log("\nSeveral hosts (3-host Swarm lab, docker-in-docker on this machine, apache-php + memcached x2 + nginx)");
  const r2 = f.rps[2];
  const r4 = f.rps[4];
  console.log(`  req/s with 2 app servers: ${r2?.toFixed(0) ?? "-"}; with 4: ${r4?.toFixed(0) ?? "-"}; ratio 4/2: ${r2 && r4 ? (r4 / r2).toFixed(2) : "-"}`);
  console.log("  (every host shares this machine's 2 cores: the ratio shows the cost of spreading, not capacity gained)");
  console.log(`  host death to every node serving again: ${f.hostLossToServingMs === null ? "-" : fmt(f.hostLossToServingMs)} (killed ${f.killed ?? "none"})`);
}
