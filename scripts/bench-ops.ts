/**
 * Operation figures for `npm run bench` (issue 17, "Faster operations"): creation from the API call to the
 * first session-served 200 through the balancer (with the creation task's step durations, to show where the
 * time goes), a node restart (API call to the node running and healthy again), and a rolling restart of 2 app
 * servers under light session traffic (with its failed requests, which must stay 0). Medians of 3.
 * Traffic goes only to 127.0.0.1 (the balancers' published ports).
 * Run alone (starts its own control plane): PHLEET_TEST_INSTANCE=... tsx scripts/bench-ops.ts
 */
import type { Environment, Task } from "../server/contracts/environment";
import { startApp } from "../server/testing/app-server";
import { subnetPoolOf } from "../server/testing/instances";
import { startLoad } from "../server/testing/load";
import { sweepInstance } from "../server/testing/sweep";

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: unknown }>;

export const STACKS = [
  { label: "apache-php + memcached", app: "apache-php", store: "memcached", balancer: "nginx", images: ["apache-php", "memcached", "nginx-lb"] },
  { label: "nginx-php + redis", app: "nginx-php", store: "redis", balancer: "nginx", images: ["nginx-php", "redis", "nginx-lb"] },
  { label: "apache + memcached, HAProxy", app: "apache-php", store: "memcached", balancer: "haproxy", images: ["apache-php", "memcached", "haproxy-lb"] },
] as const;

const ROUNDS = 3;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => console.log(`[bench-ops] ${m}`);

async function firstSessionServed(url: string, deadlineMs: number): Promise<void> {
  if (new URL(url).hostname !== "127.0.0.1") throw new Error(`traffic goes only to 127.0.0.1, not ${url}`);
  let cookie = "";
  while (Date.now() < deadlineMs) {
    try {
      const r = await fetch(`${url}/counter.php`, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(2000) });
      const set = r.headers.getSetCookie()[0];
      if (set) cookie = set.split(";")[0]!;
      if (r.status === 200) {
        const body = (await r.json()) as { visits?: number };
        if (body.visits && body.visits >= 1) return;
      } else await r.arrayBuffer();
    } catch {
      /* not published yet */
    }
    await sleep(100);
  }
  throw new Error("no session-served 200 before the deadline");
}

async function waitRunning(api: Api, id: string, timeoutMs = 300_000): Promise<Environment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = (await api("GET", `/api/v1/environments/${id}`)).json as Environment;
    if (e.status === "running") return e;
    if (e.status === "failed") throw new Error(`${e.name} failed: ${e.error}`);
    if (Date.now() > deadline) throw new Error(`${e.name} is still ${e.status}`);
    await sleep(250);
  }
}

async function removeEnv(api: Api, id: string) {
  await api("DELETE", `/api/v1/environments/${id}`);
  for (let i = 0; i < 240 && (await api("GET", `/api/v1/environments/${id}`)).status !== 404; i++) await sleep(500);
}

const stepMs = (s: Task["steps"][number]) => (s.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : null);

export interface CreationFigures {
  ms: Record<string, number[]>;
  /** Per stack: the creation task's step durations of each round (key -> ms). */
  steps: Record<string, Record<string, number>[]>;
}

/** Creation to the first session-served 200, per stack and round, with the task's step durations. */
export async function benchCreation(api: Api): Promise<CreationFigures> {
  const out: CreationFigures = { ms: {}, steps: {} };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const s of STACKS) {
      const name = `bench-${s.app}-${s.balancer}-${round}`;
      const started = Date.now();
      const res = await api("POST", "/api/v1/environments", { name, appServer: { type: s.app, count: 2 }, sessionStore: { type: s.store, count: 1 }, loadBalancer: { type: s.balancer } });
      const env = res.json as Environment;
      if (res.status !== 202) throw new Error(`create failed: ${JSON.stringify(env)}`);
      await firstSessionServed(env.url!, started + 180_000);
      const ms = Date.now() - started;
      (out.ms[s.label] ??= []).push(ms);
      const done = await waitRunning(api, env.id);
      const steps = Object.fromEntries((done.task?.steps ?? []).map((st) => [st.key, stepMs(st)]).filter((e): e is [string, number] => e[1] !== null));
      (out.steps[s.label] ??= []).push(steps);
      log(`${s.label} round ${round}: ${fmt(ms)} (steps: ${Object.entries(steps).map(([k, v]) => `${k} ${v} ms`).join(", ")})`);
      await removeEnv(api, env.id);
    }
  }
  return out;
}

export function printCreation(c: CreationFigures) {
  console.log("\nCreation, API call to the first session-served 200 through the balancer (median of 3; target <= 4 s)");
  for (const [label, xs] of Object.entries(c.ms)) {
    const keys = Object.keys(c.steps[label]?.[0] ?? {});
    const steps = keys.map((k) => `${k} ${median((c.steps[label] ?? []).map((r) => r[k] ?? 0))} ms`).join(", ");
    console.log(`  ${label.padEnd(30)}${fmt(median(xs)).padEnd(8)}(rounds ${xs.map(fmt).join(", ")}; median step times: ${steps})`);
  }
}

export interface RestartFigures {
  /** POST .../nodes/{id}/restart: until the API answered. */
  nodeApiMs: number[];
  /** ...until the node shows running (healthy) again with a new start time. */
  nodeHealthyMs: number[];
  /** POST .../restart (rolling restart of the 2 app servers): until the task succeeded. */
  rollingMs: number[];
  rollingRequests: number;
  rollingFailed: number;
}

/** Node restart and rolling restart on an apache-php x2 + memcached environment. */
export async function benchRestarts(api: Api): Promise<RestartFigures> {
  const created = await api("POST", "/api/v1/environments", { name: "bench-restart", appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 1 } });
  if (created.status !== 202) throw new Error(`create failed: ${JSON.stringify(created.json)}`);
  const id = (created.json as Environment).id;
  const out: RestartFigures = { nodeApiMs: [], nodeHealthyMs: [], rollingMs: [], rollingRequests: 0, rollingFailed: 0 };
  try {
    let env = await waitRunning(api, id);
    for (let round = 1; round <= ROUNDS; round++) {
      env = (await api("GET", `/api/v1/environments/${id}`)).json as Environment;
      const node = env.nodes.find((n) => n.role === "app" && n.ordinal === 1)!;
      const t0 = Date.now();
      const r = await api("POST", `/api/v1/environments/${id}/nodes/${node.id}/restart`);
      if (r.status !== 200) throw new Error(`node restart: ${r.status} ${JSON.stringify(r.json)}`);
      const apiMs = Date.now() - t0;
      for (;;) {
        const n = ((await api("GET", `/api/v1/environments/${id}`)).json as Environment).nodes.find((x) => x.id === node.id)!;
        if (n.status === "running" && n.startedAt !== node.startedAt) break;
        if (Date.now() - t0 > 120_000) throw new Error(`${node.hostname} is not running 120 s after its restart (${n.status})`);
        await sleep(50);
      }
      const healthyMs = Date.now() - t0;
      out.nodeApiMs.push(apiMs);
      out.nodeHealthyMs.push(healthyMs);
      log(`node restart round ${round}: API answered after ${apiMs} ms, running and healthy after ${healthyMs} ms`);
      await sleep(1000);
    }
    for (let round = 1; round <= ROUNDS; round++) {
      const load = startLoad(env.url!, { sessions: 2, maxRequests: 4000, maxMs: 120_000, pauseMs: 20 });
      await sleep(500);
      const t0 = Date.now();
      const r = await api("POST", `/api/v1/environments/${id}/restart`);
      if (r.status !== 202) throw new Error(`rolling restart: ${r.status} ${JSON.stringify(r.json)}`);
      const taskId = (r.json as { task: Task }).task.id;
      for (;;) {
        const task = ((await api("GET", `/api/v1/environments/${id}/tasks?limit=5`)).json as { items: Task[] }).items.find((x) => x.id === taskId);
        if (task?.status === "succeeded") break;
        if (task?.status === "failed") throw new Error(`rolling restart failed: ${task.error}`);
        if (Date.now() - t0 > 180_000) throw new Error("the rolling restart did not end within 180 s");
        await sleep(50);
      }
      const ms = Date.now() - t0;
      await sleep(500);
      const report = await load.stop();
      out.rollingMs.push(ms);
      out.rollingRequests += report.requests;
      out.rollingFailed += report.failed + report.resets + report.stale;
      log(`rolling restart round ${round}: ${ms} ms; ${report.requests} requests during it, ${report.failed} failed, ${report.resets} resets, ${report.stale} stale`);
      await sleep(1000);
    }
  } finally {
    await removeEnv(api, id);
  }
  return out;
}

export function printRestarts(r: RestartFigures) {
  console.log("\nRestarts (apache-php x2 + memcached, median of 3)");
  console.log(`  node restart: API answered ${fmt(median(r.nodeApiMs))}, running and healthy again ${fmt(median(r.nodeHealthyMs))} (target <= 3 s; rounds ${r.nodeHealthyMs.map(fmt).join(", ")})`);
  console.log(`  rolling restart of 2 app servers: ${fmt(median(r.rollingMs))} (target <= 8 s; rounds ${r.rollingMs.map(fmt).join(", ")}); ${r.rollingFailed} failed of ${r.rollingRequests} requests during them`);
}

/** The API of a control plane started for this file alone. */
export function apiOf(url: string, token: string): Api {
  return async (method, p, body) => {
    const r = await fetch(`${url}${p}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, json: text ? (JSON.parse(text) as unknown) : null };
  };
}

/** One control plane of the build in PHLEET_DIST_DIR (or `dist`): its figures. */
async function measureBuild(instance: string, only: string[], dist?: string) {
  const saved = process.env.PHLEET_DIST_DIR;
  if (dist) process.env.PHLEET_DIST_DIR = dist; // startApp runs the build of PHLEET_DIST_DIR
  const app = await startApp({ PHLEET_INSTANCE: instance, PHLEET_API_TOKEN: `benchops_${Date.now()}_token`, PHLEET_SUBNET_POOL: subnetPoolOf(instance), PHLEET_LOG_LEVEL: "warn" }).finally(() => {
    if (saved === undefined) delete process.env.PHLEET_DIST_DIR;
    else process.env.PHLEET_DIST_DIR = saved;
  });
  const api = apiOf(app.url, app.env.PHLEET_API_TOKEN!);
  try {
    log(`build ${dist ?? saved ?? ".next"}`);
    const creation = only.includes("creation") ? await benchCreation(api) : null;
    const restarts = only.includes("restarts") ? await benchRestarts(api) : null;
    return { creation, restarts };
  } finally {
    await app.stop();
    await sweepInstance(instance);
  }
}

/**
 * Alone: this build's figures; with PHLEET_BENCH_COMPARE_DIST=<dist dir of another build> (main's code, say),
 * that build's first, then this one's, in the same run.
 */
async function main() {
  const instance = `benchops${process.env.PHLEET_TEST_INSTANCE ?? ""}`;
  const only = (process.argv[2] ?? "creation,restarts").split(",");
  const compared = process.env.PHLEET_BENCH_COMPARE_DIST;
  await sweepInstance(instance);
  const runs: [string, Awaited<ReturnType<typeof measureBuild>>][] = [];
  if (compared) runs.push([compared, await measureBuild(instance, only, compared)]);
  runs.push(["this build", await measureBuild(instance, only)]);
  for (const [label, r] of runs) {
    console.log(`\n=== ${label} ===`);
    if (r.creation) printCreation(r.creation);
    if (r.restarts) printRestarts(r.restarts);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`[bench-ops] ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  });
}
