/**
 * Idle cost for `npm run bench` (issue 17, "Idle"): the control plane's CPU per second (time on a CPU of every
 * thread of the server process and its children, from /proc: see treeUsage) with 1 and with 20 running environments and
 * no traffic at all, with statistics collection on and off (the same environments: the control plane is
 * restarted on the same database with PHLEET_STATS=off). Target: <= 5 ms/s per environment.
 * PHLEET_BENCH_COMPARE_DIST=<dist dir of another build> (say, main's code built with PHLEET_DIST_DIR=.next-main)
 * measures that build too, on the same environments, side by side.
 * Run alone: PHLEET_TEST_INSTANCE=... tsx scripts/bench-idle.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Environment } from "../server/contracts/environment";
import { startApp, type TestApp } from "../server/testing/app-server";
import { subnetPoolOf } from "../server/testing/instances";
import { sweepInstance } from "../server/testing/sweep";
import { statsSettings } from "../server/stats/settings";
import { apiOf } from "./bench-ops";
import { treeUsage } from "./bench-stats";

const MANY = 20;
const SETTLE_MS = 8_000;
/** One period of the statistics round while nobody looks (and three of the reconciler's): each window holds one of each. */
const WINDOW_MS = statsSettings().unwatchedPollMs;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => console.log(`[bench-idle] ${m}`);

export interface IdleFigures {
  /** ms of control-plane CPU per second, by "<envs> <stats on|off>" (and " <dist dir>" for a compared build). */
  cpuMsPerSecond: Record<string, number>;
  compared: string | null;
}

/** CPU ms per second of the server's process tree over a quiet window, after letting it settle. */
async function idleCpu(app: TestApp): Promise<number> {
  await sleep(SETTLE_MS);
  const before = treeUsage(app.pid).cpuNs;
  await sleep(WINDOW_MS);
  const ms = (treeUsage(app.pid).cpuNs - before) / 1e6;
  return Math.round((ms / (WINDOW_MS / 1000)) * 10) / 10;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

export async function benchIdle(instanceBase = "benchidle"): Promise<IdleFigures> {
  const instance = `${instanceBase}${process.env.PHLEET_TEST_INSTANCE ?? ""}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-bench-idle-"));
  const env = (stats: "on" | "off") => ({ PHLEET_INSTANCE: instance, PHLEET_API_TOKEN: "benchidle_token_0123456789", PHLEET_SUBNET_POOL: subnetPoolOf(instance), PHLEET_STATS: stats, PHLEET_LOG_LEVEL: "warn" });
  const compared = process.env.PHLEET_BENCH_COMPARE_DIST || null;
  const out: IdleFigures = { cpuMsPerSecond: {}, compared };
  const record = (key: string, v: number) => {
    out.cpuMsPerSecond[key] = v;
    log(`${key}: ${v} ms CPU per second`);
  };
  await sweepInstance(instance);
  let app = await startApp(env("on"), { dataDir });
  let api = apiOf(app.url, app.env.PHLEET_API_TOKEN!);
  const ids: string[] = [];
  const remove = async (id: string) => {
    await api("DELETE", `/api/v1/environments/${id}`);
    for (let t = 0; t < 240 && (await api("GET", `/api/v1/environments/${id}`)).status !== 404; t++) await sleep(500);
  };
  // On a loaded machine a creation can fail (a health check timing out): it is removed and tried again.
  const create = async (i: number, attempt = 1): Promise<void> => {
    const r = await api("POST", "/api/v1/environments", { name: `idle-${i}-${attempt}`, appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 } });
    if (r.status !== 202) throw new Error(`create idle-${i}: ${JSON.stringify(r.json)}`);
    const id = (r.json as Environment).id;
    for (let t = 0; t < 600; t++) {
      const e = (await api("GET", `/api/v1/environments/${id}`)).json as Environment;
      if (e.status === "running") return void ids.push(id);
      if (e.status === "failed") {
        await remove(id);
        if (attempt >= 5) throw new Error(`idle-${i} failed: ${e.error}`);
        log(`idle-${i} failed (${e.error}); trying again`);
        return create(i, attempt + 1);
      }
      await sleep(500);
    }
    throw new Error(`idle-${i} did not start`);
  };
  /** The same environments under other control planes: this build with statistics off, and the compared build. */
  const others = async (n: number) => {
    const runs: [string, "on" | "off", string | undefined][] = [[`${n} off`, "off", undefined]];
    if (compared) runs.push([`${n} on ${compared}`, "on", compared], [`${n} off ${compared}`, "off", compared]);
    for (const [key, stats, dist] of runs) {
      await app.stop();
      const saved = process.env.PHLEET_DIST_DIR;
      if (dist) process.env.PHLEET_DIST_DIR = dist; // startApp runs the build of PHLEET_DIST_DIR
      try {
        app = await startApp(env(stats), { dataDir });
      } finally {
        if (saved === undefined) delete process.env.PHLEET_DIST_DIR;
        else process.env.PHLEET_DIST_DIR = saved;
      }
      record(key, await idleCpu(app));
    }
    await app.stop();
    app = await startApp(env("on"), { dataDir });
    api = apiOf(app.url, app.env.PHLEET_API_TOKEN!);
  };
  try {
    await create(1);
    record("1 on", await idleCpu(app));
    await others(1);
    await inBatches(Array.from({ length: MANY - 1 }, (_, i) => i + 2), 2, create);
    log(`${MANY} environments running`);
    record(`${MANY} on`, await idleCpu(app));
    await others(MANY);
  } finally {
    await app.stop();
    await sweepInstance(instance);
  }
  return out;
}

export function printIdle(f: IdleFigures) {
  const v = f.cpuMsPerSecond;
  console.log(`\nIdle control plane, no traffic (CPU ms per second of the server's processes; target <= 5 ms/s per environment)`);
  console.log("build         environments   statistics on   statistics off   per environment (on / off)");
  for (const build of [null, f.compared].filter((b, i) => i === 0 || b)) {
    for (const n of [1, MANY]) {
      const on = v[`${n} on${build ? ` ${build}` : ""}`];
      const off = v[`${n} off${build ? ` ${build}` : ""}`];
      const per = (x: number | undefined) => (x === undefined ? "-" : (x / n).toFixed(1));
      console.log(`${(build ?? "this").padEnd(14)}${String(n).padEnd(15)}${`${on ?? "-"} ms/s`.padEnd(16)}${`${off ?? "-"} ms/s`.padEnd(17)}${per(on)} / ${per(off)}`);
    }
  }
}

if (require.main === module) {
  benchIdle()
    .then(printIdle)
    .catch((err) => {
      console.error(`[bench-idle] ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    });
}
