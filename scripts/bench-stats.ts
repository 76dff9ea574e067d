/**
 * What statistics collection costs the control plane: its CPU time and memory (RSS) while the
 * balancer of a 2-app-node environment serves a fixed request rate, then four times that rate, with
 * collection on and, at the same time, another control plane with PHLEET_STATS=off and its own environment
 * receiving the same load, printed as ratios side by side. The balancer counts requests itself (images/nginx-lb/phleet-stats.lua), so the
 * ratio should stay about the same at both rates. Also the collection latency: how long after the last
 * answer the stats API shows every request. It never fails on a timing.
 *
 * The app must be built (PHLEET_DIST_DIR or .next) and the node images present (npm run images).
 * Load goes only to 127.0.0.1 (the balancer's published port). Call benchStats() from scripts/bench.ts,
 * or run this file directly: npx tsx scripts/bench-stats.ts
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, migrate } from "../server/testing/app-server";
import { subnetPoolOf } from "../server/testing/instances";
import { sweepInstance } from "../server/testing/sweep";
import { statsSettings } from "../server/stats/settings";

const root = path.resolve(__dirname, "..");
// Its own label and /16 per checkout (PHLEET_TEST_INSTANCE), like the other benches: the fixed 10.219/16 it had
// is also the crash suite's pool.
// Collection on and off run side by side, each control plane with its own instance (a reconciler removes the containers
// of its instance it does not know).
const instanceOf = (mode: "on" | "off") => `bench-stats-${mode}${process.env.PHLEET_TEST_INSTANCE ?? ""}`;
/**
 * BENCH_STATS_CPU_PROF=<dir>: the control plane runs with node --cpu-prof and writes its profile there on exit;
 * the bench prints each CPU window on the same monotonic clock (us), to cut the profile to the windows.
 */
const CPU_PROF_DIR = process.env.BENCH_STATS_CPU_PROF;
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
/** Requests per second of the first run; the second sends four times as many in the same time. */
const BASE_RATE = Number(process.env.BENCH_STATS_RATE) || 75;
const RATES = [BASE_RATE, BASE_RATE * 4];
const CONCURRENCY = 32;
const SESSIONS = 16;
const TAIL_MS = 3000;
/**
 * One CPU window is one period of the collector's round while nobody looks (statsSettings().unwatchedPollMs), which is
 * also three of the reconciler's (20 s): each window, on or off, holds the same periodic work once, wherever it falls.
 * Shorter windows held a round or not and a reconcile or not: their CPU moved from 1 to 110 ms with nothing changed.
 */
const WINDOW_MS = statsSettings().unwatchedPollMs;
const LOAD_SECONDS = (WINDOW_MS - TAIL_MS) / 1000;
/** The unmeasured load before the windows (a new process compiles the code that counts in its first minute of traffic). */
const WARMUP_SECONDS = 60;
/** CPU windows per rate and mode (their mean is reported). */
const REPEATS = Number(process.env.BENCH_STATS_REPEATS) || 1;
/** The server counts as settled after two 2 s windows under this much CPU (ms per s), at most SETTLE_MAX_MS. */
const SETTLED_MS_PER_S = 5;
const SETTLE_MAX_MS = 60_000;

interface RateFigures {
  ratePerSecond: number;
  requests: number;
  ok: number;
  /** Requests per second actually served (the machine may not keep up with the asked rate). */
  achievedPerSecond: number;
  /** Control-plane CPU time (on a CPU, all its processes and threads) from the start of the load to TAIL_MS after its end. */
  cpuMs: number;
  /** Every window's CPU, in the order measured (cpuMs is their mean). */
  cpuMsWindows: number[];
  cpuMsPerThousandRequests: number;
  rssPeakMb: number;
  /** Only with collection on: ms from the last answer of a 2 s burst to the stats API showing all of it. */
  collectionLatencyMs: number | null;
}

interface StatsModeFigures {
  mode: "on" | "off";
  rates: RateFigures[];
}

interface StatsBenchFigures {
  on: StatsModeFigures;
  off: StatsModeFigures;
  /** CPU on / off at each rate, in the order of RATES. */
  cpuRatios: number[];
}

const log = (m: string) => console.log(`[bench-stats] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU time and RSS of a process and all its descendants, from /proc: utime + stime in clock ticks (10 ms steps), and
 * the time on a CPU in ns from each thread's schedstat (the windows compared here hold tens of ms, so ticks alone
 * round them to a few steps).
 */
export function treeUsage(rootPid: number): { ticks: number; cpuNs: number; rssBytes: number } {
  const stats = new Map<number, { ppid: number; ticks: number; rss: number }>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const raw = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rss: Number(f[21]) * 4096 });
    } catch {
      /* the process ended meanwhile */
    }
  }
  const inTree = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of stats) {
      if (!inTree.has(pid) && inTree.has(s.ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  let ticks = 0;
  let cpuNs = 0;
  let rssBytes = 0;
  for (const pid of inTree) {
    const s = stats.get(pid);
    if (!s) continue;
    ticks += s.ticks;
    rssBytes += s.rss;
    try {
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) cpuNs += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      /* the process or a thread ended meanwhile */
    }
  }
  return { ticks, cpuNs, rssBytes };
}

interface Server {
  url: string;
  token: string;
  pid: number;
  stop(): Promise<void>;
}

async function startServer(statsMode: "on" | "off"): Promise<Server> {
  const dist = process.env.PHLEET_DIST_DIR || ".next";
  if (!fs.existsSync(path.join(root, dist, "BUILD_ID"))) throw new Error(`The app is not built in ${dist}: run \`npx next build\` first`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-bench-stats-"));
  const port = await freePort();
  const token = `benchstats_${Date.now()}_${statsMode}_token`;
  const env: Record<string, string> = {
    PHLEET_DATABASE_URL: `file:${path.join(dataDir, "phleet.db")}`,
    PORT: String(port),
    PHLEET_INSTANCE: instanceOf(statsMode),
    PHLEET_SUBNET_POOL: subnetPoolOf(instanceOf(statsMode)),
    PHLEET_API_TOKEN: token,
    PHLEET_STATS: statsMode,
    PHLEET_LOG_LEVEL: "warn",
  };
  migrate(env);
  const start = ["start", "-p", String(port), "-H", "127.0.0.1"];
  // --cpu-prof is refused in NODE_OPTIONS: node runs Next's entry itself then (next start serves in that process).
  const [cmd, args] = CPU_PROF_DIR
    ? [process.execPath, ["--cpu-prof", `--cpu-prof-dir=${path.resolve(CPU_PROF_DIR)}`, path.join(root, "node_modules/next/dist/bin/next"), ...start]]
    : [path.join(root, "node_modules/.bin/next"), start];
  const child: ChildProcess = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = fs.createWriteStream(path.join(dataDir, "server.log"));
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}; log: ${dataDir}/server.log`);
    try {
      const r = await fetch(`${url}/api/v1/openapi.json`);
      if (r.status === 401 || r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`the app did not answer within 60 s; log: ${dataDir}/server.log`);
    await sleep(300);
  }
  return {
    url,
    token,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => {
        const t = setTimeout(() => (child.kill("SIGKILL"), r(undefined)), 10_000);
        child.once("exit", () => (clearTimeout(t), r(undefined)));
      });
      out.end();
    },
  };
}

async function call<T>(s: Server, method: string, p: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await fetch(`${s.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${s.token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: (text ? JSON.parse(text) : null) as T };
}

/**
 * A fixed rate: request i is due at start + i / rate, at most CONCURRENCY in flight, over SESSIONS
 * cookie sessions, for LOAD_SECONDS (or `seconds`). Sent from this process (not the control plane's), only to 127.0.0.1.
 */
async function load(envUrl: string, rate: number, seconds = LOAD_SECONDS): Promise<{ requests: number; ok: number; ms: number }> {
  if (new URL(envUrl).hostname !== "127.0.0.1") throw new Error(`load goes only to 127.0.0.1, not ${envUrl}`);
  const requests = rate * seconds;
  const cookies: string[] = Array.from({ length: SESSIONS }, () => "");
  let next = 0;
  let ok = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000 + 60_000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (;;) {
        const i = next++;
        if (i >= requests || performance.now() > deadline) return;
        const due = started + (i * 1000) / rate - performance.now();
        if (due > 0) await sleep(due);
        const s = (w + i) % SESSIONS;
        try {
          const r = await fetch(`${envUrl}/counter.php`, { headers: cookies[s] ? { cookie: cookies[s] } : {}, signal: AbortSignal.timeout(10_000) });
          const set = r.headers.getSetCookie()[0];
          if (set) cookies[s] = set.split(";")[0]!;
          await r.arrayBuffer();
          if (r.status === 200) ok++;
        } catch {
          /* counted as not ok */
        }
      }
    }),
  );
  return { requests: Math.min(next, requests), ok, ms: Math.round(performance.now() - started) };
}

interface Side {
  mode: "on" | "off";
  server: Server;
  envId: string | null;
  url: string;
}

/** A control plane with collection on or off and its environment (2 app servers, memcached, nginx), running and settled. */
async function prepare(side: Side): Promise<void> {
  const { server, mode } = side;
  log(`collection ${mode}: server pid ${server.pid} at ${server.url}`);
  const created = await call<{ id: string; url: string }>(server, "POST", "/api/v1/environments", {
    name: `bench-stats-${mode}`,
    appServer: { type: "apache-php", count: 2 },
    sessionStore: { type: "memcached", count: 1 },
    loadBalancer: { type: "nginx" },
  });
  if (created.status !== 202) throw new Error(`create failed: ${JSON.stringify(created.json)}`);
  side.envId = created.json.id;
  const deadline = Date.now() + 240_000;
  let env: { status: string; url: string; error: string | null };
  for (;;) {
    env = (await call<typeof env>(server, "GET", `/api/v1/environments/${side.envId}`)).json;
    if (env.status !== "creating") break;
    if (Date.now() > deadline) throw new Error("the environment did not become running within 240 s");
    await sleep(1000);
  }
  if (env.status !== "running") throw new Error(`the environment ${env.status}: ${env.error}`);
  side.url = env.url;
  // Let the collector start and settle (it reads the log from the start), and the server go idle: the work of the
  // creation goes on for a while after the environment is running (measured: 20-40 ms/s for the next 10-15 s).
  await sleep(5000);
  for (let quiet = 0, waited = 0; quiet < 2 && waited < SETTLE_MAX_MS; waited += 2000) {
    const a = treeUsage(server.pid).cpuNs;
    await sleep(2000);
    quiet = (treeUsage(server.pid).cpuNs - a) / 1e6 / 2 < SETTLED_MS_PER_S ? quiet + 1 : 0;
  }
}

async function teardown(side: Side): Promise<void> {
  const { server, envId } = side;
  if (envId) {
    await call(server, "DELETE", `/api/v1/environments/${envId}`).catch(() => undefined);
    for (let i = 0; i < 120; i++) {
      const g = await call(server, "GET", `/api/v1/environments/${envId}`).catch(() => ({ status: 0 }));
      if (g.status === 404) break;
      await sleep(500);
    }
  }
  await server.stop();
}

/** One CPU window of one side: what its control plane used while its environment served `rate` (the other side's too, at once). */
interface Window {
  before: ReturnType<typeof treeUsage>;
  peak: number;
  result?: { requests: number; ok: number; ms: number };
}

function figures(side: Side, rate: number, w: Window & { result: { requests: number; ok: number; ms: number } }): RateFigures {
  const after = treeUsage(side.server.pid);
  const peak = Math.max(w.peak, after.rssBytes);
  const cpuMs = Math.round((after.cpuNs - w.before.cpuNs) / 1e5) / 10;
  const f: RateFigures = {
    ratePerSecond: rate,
    requests: w.result.requests,
    ok: w.result.ok,
    achievedPerSecond: Math.round((w.result.requests / (w.result.ms / 1000)) * 10) / 10,
    cpuMs,
    cpuMsWindows: [cpuMs],
    cpuMsPerThousandRequests: Math.round((cpuMs / Math.max(1, w.result.requests)) * 1000 * 10) / 10,
    rssPeakMb: Math.round((peak / 1024 / 1024) * 10) / 10,
    collectionLatencyMs: null,
  };
  log(`collection ${side.mode}, ${rate}/s: ${w.result.ok}/${w.result.requests} ok in ${(w.result.ms / 1000).toFixed(1)} s (${f.achievedPerSecond}/s); control plane CPU ${cpuMs} ms, RSS peak ${f.rssPeakMb} MB`);
  return f;
}

function meanOf(rate: number, all: RateFigures[]): RateFigures {
  const sum = (pick: (w: RateFigures) => number) => all.reduce((n, w) => n + pick(w), 0);
  const requests = sum((w) => w.requests);
  return {
    ratePerSecond: rate,
    requests,
    ok: sum((w) => w.ok),
    achievedPerSecond: Math.round((sum((w) => w.achievedPerSecond) / all.length) * 10) / 10,
    cpuMs: Math.round((sum((w) => w.cpuMs) / all.length) * 10) / 10,
    cpuMsWindows: all.map((w) => w.cpuMs),
    cpuMsPerThousandRequests: Math.round((sum((w) => w.cpuMs) / Math.max(1, requests)) * 1000 * 10) / 10,
    rssPeakMb: Math.max(...all.map((w) => w.rssPeakMb)),
    collectionLatencyMs: null,
  };
}

/**
 * Both control planes side by side, at the same time: each window sends the same rate to both environments, so both
 * sides see the same machine (the noise of other work, the load generator's own CPU) in the same seconds.
 */
async function measureSideBySide(sides: [Side, Side]): Promise<[StatsModeFigures, StatsModeFigures]> {
  // One minute of load first, not measured: the first minute of traffic of a new server process costs it about twice
  // what the next ones do (measured: 235 ms, then 86 ms), most of it compiling the code that counts (V8's JIT).
  // The idle cost (no traffic) is what scripts/bench-idle.ts measures.
  await Promise.all(sides.map((side) => load(side.url, BASE_RATE, WARMUP_SECONDS)));
  await sleep(TAIL_MS);
  // Each rate REPEATS times, the rates alternating; a window may still hold a garbage collection: the mean is reported.
  const windows = sides.map(() => new Map<number, RateFigures[]>(RATES.map((r) => [r, []])));
  for (let rep = 0; rep < REPEATS; rep++) {
    for (const rate of RATES) {
      const ws: Window[] = sides.map((side) => ({ before: treeUsage(side.server.pid), peak: 0 }));
      const windowStartUs = monotonicUs();
      const sampler = setInterval(() => sides.forEach((side, i) => (ws[i]!.peak = Math.max(ws[i]!.peak, treeUsage(side.server.pid).rssBytes))), 1000);
      const results = await Promise.all(sides.map((side) => load(side.url, rate)));
      // No API call inside the CPU window: the stats API is asked only afterwards (below).
      await sleep(TAIL_MS);
      clearInterval(sampler);
      if (CPU_PROF_DIR) log(`${rate}/s: CPU window ${windowStartUs}-${monotonicUs()} us (monotonic)`);
      sides.forEach((side, i) => windows[i]!.get(rate)!.push(figures(side, rate, { ...ws[i]!, result: results[i]! })));
    }
  }
  const out = sides.map((side, i) => ({ mode: side.mode, rates: RATES.map((rate) => meanOf(rate, windows[i]!.get(rate)!)) }));
  // Collection latency, after every CPU window: reading the stats API makes the collector follow the balancer's log
  // and poll the nodes' gauges every few seconds for the next 30 s (somebody is looking): not in a window.
  // A short burst at each rate, then the stats API is asked every 50 ms until it shows every request of it.
  const on = sides.findIndex((s) => s.mode === "on");
  const { server, envId, url } = sides[on]!;
  const counted = async () => (await call<{ balancer: { requests: { total: number } } }>(server, "GET", `/api/v1/environments/${envId}/stats?window=10`)).json.balancer.requests.total;
  for (const f of out[on]!.rates) {
    const start = await counted();
    const burst = await load(url, f.ratePerSecond, 2);
    const burstEnded = Date.now();
    for (;;) {
      if ((await counted()) - start >= burst.requests) {
        f.collectionLatencyMs = Date.now() - burstEnded;
        break;
      }
      if (Date.now() - burstEnded > 30_000) break;
      await sleep(50);
    }
    log(`collection on, ${f.ratePerSecond}/s: every request of a 2 s burst in the stats API ${f.collectionLatencyMs ?? "> 30000"} ms after the last answer`);
  }
  return [out[0]!, out[1]!];
}

export async function benchStats(): Promise<StatsBenchFigures> {
  const modes = ["on", "off"] as const;
  await Promise.all(modes.map((m) => sweepInstance(instanceOf(m))));
  const sides: Side[] = [];
  try {
    for (const mode of modes) sides.push({ mode, server: await startServer(mode), envId: null, url: "" });
    await Promise.all(sides.map(prepare));
    const [on, off] = await measureSideBySide(sides as [Side, Side]);
    const cpuRatios = RATES.map((_, i) => Math.round((on.rates[i]!.cpuMs / Math.max(1, off.rates[i]!.cpuMs)) * 100) / 100);
    console.log(`\nStatistics collection cost (${LOAD_SECONDS} s at each rate, through the balancer, collection on and off side by side at the same time; control-plane CPU from the load's start to ${TAIL_MS} ms after its end, mean of ${REPEATS} window(s) of ${WINDOW_MS / 1000} s: one round of the collector while nobody looks, and the reconciler's 20 s rounds, in each)`);
    console.log("rate asked   served on / off      CPU on     CPU off    on/off   per 1000 req on / off   latency to stats API   RSS peak on / off");
    RATES.forEach((rate, i) => {
      const a = on.rates[i]!;
      const b = off.rates[i]!;
      console.log(
        `${`${rate}/s`.padEnd(13)}${`${a.achievedPerSecond} / ${b.achievedPerSecond}/s`.padEnd(21)}${`${a.cpuMs} ms`.padEnd(11)}${`${b.cpuMs} ms`.padEnd(11)}${String(cpuRatios[i]).padEnd(9)}${`${a.cpuMsPerThousandRequests} / ${b.cpuMsPerThousandRequests} ms`.padEnd(24)}${(a.collectionLatencyMs === null ? "-" : `${a.collectionLatencyMs} ms`).padEnd(23)}${a.rssPeakMb} / ${b.rssPeakMb} MB`,
      );
    });
    RATES.forEach((rate, i) => console.log(`${rate}/s CPU of each window (ms): on ${on.rates[i]!.cpuMsWindows.join(", ")}; off ${off.rates[i]!.cpuMsWindows.join(", ")}`));
    console.log(`ratio on/off (target <= 1.2 at both rates): ${RATES.map((r, i) => `${r}/s ${cpuRatios[i]}`).join(", ")}`);
    return { on, off, cpuRatios };
  } finally {
    await Promise.all(sides.map((side) => teardown(side).catch((err) => log(`teardown of ${side.mode}: ${(err as Error).message}`))));
    await Promise.all(modes.map((m) => sweepInstance(instanceOf(m))));
  }
}

if (require.main === module) {
  benchStats().catch((err) => {
    console.error(`[bench-stats] ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  });
}
