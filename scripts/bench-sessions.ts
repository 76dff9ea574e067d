/**
 * Issue 17: clustered sessions against local files. Requests/s through the balancer (its 127.0.0.1 published
 * port only) of the same topology, with sessions in local files behind a sticky balancer (the unclustered
 * baseline), in one Memcached node, in a replicated pair of Memcached nodes and in one Redis node, side by side
 * in one run, in two cases: the counter (every request writes its session) and read-mostly (every request
 * reads it, one in ten writes it). Next to each figure: CPU per request of every container (cgroup counters),
 * round trips to the session store per request (the store's own counters) and the load generator's CPU.
 *
 * Load: Debian's wrk (scripts/host-tools.sh --bench), one thread per connection so each connection carries its
 * own session cookie (wrk's Lua state is per thread). Every run is bounded (BENCH_SESSIONS_SECONDS, default 10).
 *
 * The baseline is built the way a user would build it, through the config editor API: the app layer's
 * 90-phleet-session.ini saved with save_handler = files, and the balancer's nginx.conf saved with an upstream
 * of the same app servers balanced by `hash $cookie_PHPSESSID consistent` (NGINX's open-source stickiness).
 *
 * Runs from scripts/bench.ts, or alone: `npm run bench -- sessions` or `npx tsx scripts/bench-sessions.ts`.
 * BENCH_SESSIONS_STACKS=apache-php,nginx-php adds the nginx-php stack (default: apache-php only).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ConfigFile } from "../server/contracts/config-files";
import type { Environment, EnvironmentNode } from "../server/contracts/environment";
import { BALANCER_CONF_PATH, UPSTREAM_CONF_PATH } from "../server/node-kinds/render";
import { DockerRuntime } from "../server/runtime/docker/docker-runtime";
import { startApp } from "../server/testing/app-server";
import { sweepInstance } from "../server/testing/sweep";
import { prepareBench } from "./bench-prepare";

const INSTANCE = `bench-sessions${process.env.PHLEET_TEST_INSTANCE ? `-${process.env.PHLEET_TEST_INSTANCE}` : ""}`;
const POOL = "10.221.0.0/16";
const SECONDS = Number(process.env.BENCH_SESSIONS_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_SESSIONS_CONNECTIONS ?? 12);
const STACKS = (process.env.BENCH_SESSIONS_STACKS ?? "apache-php").split(",").map((s) => s.trim()) as AppType[];
const CASES = [
  { name: "counter", path: "/counter.php", what: "writes its session on every request" },
  { name: "read-mostly", path: "/read-mostly.php", what: "reads on every request, writes one in ten" },
] as const;

type AppType = "apache-php" | "nginx-php";
type Variant = "files+sticky" | "memcached x1" | "memcached x2" | "redis x1";
const ALL_VARIANTS: { name: Variant; store: "memcached" | "redis"; count: number }[] = [
  { name: "files+sticky", store: "memcached", count: 1 },
  { name: "memcached x1", store: "memcached", count: 1 },
  { name: "memcached x2", store: "memcached", count: 2 },
  { name: "redis x1", store: "redis", count: 1 },
];
// BENCH_SESSIONS_VARIANTS=files+sticky,redis x1 narrows a run (while tuning one handler).
const VARIANTS = ALL_VARIANTS.filter((v) => !process.env.BENCH_SESSIONS_VARIANTS || process.env.BENCH_SESSIONS_VARIANTS.split(",").includes(v.name));

type Api = <T>(method: string, p: string, body?: unknown) => Promise<{ status: number; json: T }>;

const log = (m: string) => console.log(`[bench-sessions] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rt = new DockerRuntime();

async function createEnv(api: Api, name: string, app: AppType, store: "memcached" | "redis", count: number): Promise<Environment> {
  const r = await api<Environment>("POST", "/api/v1/environments", { name, appServer: { type: app, count: 2 }, sessionStore: { type: store, count } });
  if (r.status !== 202) throw new Error(`create ${name}: ${JSON.stringify(r.json)}`);
  for (let i = 0; i < 300; i++) {
    const e = (await api<Environment>("GET", `/api/v1/environments/${r.json.id}`)).json;
    if (e.status === "running") return e;
    if (e.status === "failed") throw new Error(`${name} failed: ${e.error}`);
    await sleep(1000);
  }
  throw new Error(`${name} did not start within 300 s`);
}

async function saveFile(api: Api, scope: string, filePath: string, edit: (content: string) => string) {
  const url = `/api/v1/environments/${scope}/files?path=${encodeURIComponent(filePath)}`;
  const current = await api<ConfigFile>("GET", url);
  if (current.status !== 200) throw new Error(`read ${filePath}: ${JSON.stringify(current.json)}`);
  const saved = await api("PUT", url, { content: edit(current.json.content), baseSha256: current.json.sha256, apply: "reload", message: "bench: files + sticky baseline" });
  if (saved.status !== 200) throw new Error(`save ${filePath}: ${JSON.stringify(saved.json)}`);
  return current.json.content;
}

/**
 * The unclustered baseline through the config editor: sessions in each app server's local files, and the
 * balancer sending a session always to the same app server (the upstream Phleet writes, with its keep-alive,
 * minus the backup servers NGINX refuses next to `hash`).
 */
async function makeFilesSticky(api: Api, env: Environment, app: AppType) {
  const sapi = app === "apache-php" ? "apache2" : "fpm";
  await saveFile(api, `${env.id}/layers/app`, `/etc/php/8.2/${sapi}/conf.d/90-phleet-session.ini`, (ini) =>
    ini
      .replace(/^session\.save_handler\s*=.*$/m, "session.save_handler = files")
      .replace(/^session\.save_path\s*=.*$/m, 'session.save_path = "/var/lib/php/sessions"'),
  );
  const lb = env.nodes.find((n) => n.role === "balancer")!;
  const upstream = (await api<ConfigFile>("GET", `/api/v1/environments/${env.id}/nodes/${lb.id}/files?path=${encodeURIComponent(UPSTREAM_CONF_PATH)}`)).json.content;
  const sticky = upstream
    .split("\n")
    .filter((l) => !/\bbackup\b/.test(l) && !/^\s*#/.test(l))
    .join("\n")
    .replace(/phleet_app/g, "phleet_sticky")
    .replace(/(upstream phleet_sticky \{\n)/, "$1    hash $cookie_PHPSESSID consistent;\n");
  await saveFile(api, `${env.id}/nodes/${lb.id}`, BALANCER_CONF_PATH, (conf) => {
    const out = conf.replace(`include ${UPSTREAM_CONF_PATH};`, `include ${UPSTREAM_CONF_PATH};\n${sticky}`).replace("proxy_pass http://phleet_app;", "proxy_pass http://phleet_sticky;");
    if (!out.includes("proxy_pass http://phleet_sticky;")) throw new Error("the balancer's nginx.conf has no proxy_pass http://phleet_app; to make sticky");
    return out;
  });
}

/** CPU time (ns) of a container from its cgroup (v1 cpuacct or v2 cpu.stat). */
function containerCpuNs(id: string): number {
  const v1 = `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`;
  if (fs.existsSync(v1)) return Number(fs.readFileSync(v1, "utf8").trim());
  for (const dir of [`/sys/fs/cgroup/system.slice/docker-${id}.scope`, `/sys/fs/cgroup/docker/${id}`]) {
    const f = path.join(dir, "cpu.stat");
    if (fs.existsSync(f)) return Number(/usage_usec (\d+)/.exec(fs.readFileSync(f, "utf8"))?.[1] ?? 0) * 1000;
  }
  throw new Error(`no cgroup CPU counter found for container ${id.slice(0, 12)} (is the engine on this machine?)`);
}

/** Busy and total jiffies of the whole machine (/proc/stat), for the share the load generator took. */
function machineJiffies(): { busy: number; total: number } {
  const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - (f[4] ?? 0), total };
}

/** Commands the store served so far and connections it accepted: its own counters. */
async function storeCounters(node: EnvironmentNode): Promise<{ commands: number; connections: number }> {
  if (node.type === "memcached") {
    const r = await rt.exec(node.containerId!, ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/11211; printf 'stats\\r\\nquit\\r\\n' >&3; timeout 3 cat <&3"]);
    const s = new Map([...r.stdout.matchAll(/^STAT (\S+) (\d+)\r?$/gm)].map((m) => [m[1]!, Number(m[2])]));
    const get = (k: string) => s.get(k) ?? 0;
    // get, set/add (the lock is an add), touch (lazy write), delete (the unlock).
    return { commands: get("cmd_get") + get("cmd_set") + get("cmd_touch") + get("delete_hits") + get("delete_misses") + get("incr_hits") + get("incr_misses"), connections: get("total_connections") };
  }
  const r = await rt.exec(node.containerId!, ["bash", "-c", 'export REDISCLI_AUTH="$(cat /etc/redis/phleet-monitor.pass)"; redis-cli --no-auth-warning --user phleet-monitor info stats']);
  const v = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, "m").exec(r.stdout)?.[1] ?? 0);
  return { commands: v("total_commands_processed"), connections: v("total_connections_received") };
}

const WRK_LUA = `
-- One thread per connection: this thread's cookie is its connection's session. The latest Set-Cookie wins: with
-- a sticky balancer hashing the cookie, a session created on one server may hash to the other, which (strict mode)
-- answers with a new id; following it settles each connection on a session that lives where it is sent.
local cookie = nil
function request()
  if cookie then return wrk.format("GET", nil, { Cookie = cookie }) end
  return wrk.format("GET")
end
function response(status, headers, body)
  local set = headers["Set-Cookie"] or headers["set-cookie"]
  if set then cookie = string.match(set, "^([^;]+)") end
end
`;

interface WrkResult {
  requests: number;
  rps: number;
  non2xx: number;
  socketErrors: number;
  wrkCpuMs: number;
  seconds: number;
}

/** wrk for SECONDS; its own CPU time from bash's `times` (children's user + system). */
export function runWrk(url: string, seconds: number): Promise<WrkResult> {
  const script = path.join(os.tmpdir(), `phleet-bench-sessions-${process.pid}.lua`);
  fs.writeFileSync(script, WRK_LUA);
  const args = ["-t", String(CONNECTIONS), "-c", String(CONNECTIONS), "-d", `${seconds}s`, "--timeout", "5s", "-s", script, url];
  return new Promise((resolve, reject) => {
    const p = spawn("bash", ["-c", 'wrk "$@"; rc=$?; times; exit $rc', "bench-wrk", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (c: Buffer) => (out += c.toString()));
    p.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const killer = setTimeout(() => p.kill("SIGKILL"), (seconds + 30) * 1000);
    p.on("close", (code) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`));
      const requests = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(out)?.[1] ?? NaN);
      const dur = /(\d+) requests in ([\d.]+)(m?s)/.exec(out);
      const secs = dur ? Number(dur[2]) / (dur[3] === "ms" ? 1000 : 1) : seconds;
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const socketErrors = se ? se.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
      // `times`: shell user/sys, then children user/sys, e.g. "0m1.234s 0m0.567s".
      const t = [...out.matchAll(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/g)].pop();
      const wrkCpuMs = t ? (Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4])) * 1000 : NaN;
      if (!Number.isFinite(rps) || !requests) return reject(new Error(`wrk measured nothing:\n${out}`));
      resolve({ requests, rps, non2xx, socketErrors, wrkCpuMs, seconds: secs });
    });
  });
}

export interface SessionRun {
  stack: AppType;
  variant: Variant;
  case: string;
  rps: number;
  requests: number;
  errors: number;
  /** Microseconds of CPU per request, per role (balancer, each app server, each store node). */
  cpuUsPerRequest: Record<string, number>;
  storeRoundTripsPerRequest: number | null;
  storeConnectionsPerRequest: number | null;
  wrkCpuShare: number;
  machineBusyShare: number;
}

/** Two requests of one session: the second must see the first's visit, or the figures would not be of sessions. */
async function checkSession(url: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await checkSessionOnce(url);
    } catch (err) {
      if (attempt >= 10) throw err;
      log(`${err instanceof Error ? err.message : String(err)}: trying again in 3 s`);
      await sleep(3000);
    }
  }
}

async function checkSessionOnce(url: string) {
  // Following Set-Cookie as wrk's script does (a sticky balancer may first send a new session to a server that
  // replaces its id); within a few requests a session must count on.
  let cookie: string | undefined;
  let body: { visits?: number } = {};
  for (let i = 0; i < 8; i++) {
    const r = await fetch(`${url}/counter.php`, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(15_000) });
    cookie = r.headers.getSetCookie()[0]?.split(";")[0] ?? cookie;
    if (r.status !== 200) throw new Error(`${url}/counter.php: ${r.status} ${await r.text()}`);
    body = (await r.json()) as { visits?: number };
    if ((body.visits ?? 0) >= 2) return;
  }
  throw new Error(`${url}/counter.php: the session did not carry over (${JSON.stringify(body)})`);
}

async function measure(env: Environment, stack: AppType, variant: Variant, c: (typeof CASES)[number]): Promise<SessionRun> {
  const nodes = env.nodes.filter((n) => n.containerId);
  const stores = nodes.filter((n) => n.role === "session");
  const url = `${env.url}${c.path}`;
  await checkSession(env.url!);
  await runWrk(url, 2); // warm-up: sessions, OPcache, connections
  const cpu0 = nodes.map((n) => containerCpuNs(n.containerId!));
  const store0 = variant === "files+sticky" ? [] : await Promise.all(stores.map(storeCounters));
  const m0 = machineJiffies();
  const w = await runWrk(url, SECONDS);
  const m1 = machineJiffies();
  const store1 = variant === "files+sticky" ? [] : await Promise.all(stores.map(storeCounters));
  const cpu1 = nodes.map((n) => containerCpuNs(n.containerId!));
  const cpuUsPerRequest: Record<string, number> = {};
  nodes.forEach((n, i) => {
    if (variant === "files+sticky" && n.role === "session") return; // present but unused
    const key = `${n.role === "balancer" ? "lb" : n.role === "app" ? "app" : n.type}${n.role === "balancer" ? "" : n.ordinal}`;
    cpuUsPerRequest[key] = (cpu1[i]! - cpu0[i]!) / 1000 / w.requests;
  });
  const sum = (xs: { commands: number; connections: number }[], k: "commands" | "connections") => xs.reduce((a, x) => a + x[k], 0);
  const storeRoundTripsPerRequest = store0.length ? (sum(store1, "commands") - sum(store0, "commands")) / w.requests : null;
  const storeConnectionsPerRequest = store0.length ? (sum(store1, "connections") - sum(store0, "connections")) / w.requests : null;
  const jiffyMs = 1000 / 100; // USER_HZ
  const wallMs = ((m1.total - m0.total) * jiffyMs) / os.cpus().length;
  const run: SessionRun = {
    stack,
    variant,
    case: c.name,
    rps: w.rps,
    requests: w.requests,
    errors: w.non2xx + w.socketErrors,
    cpuUsPerRequest,
    storeRoundTripsPerRequest,
    storeConnectionsPerRequest,
    wrkCpuShare: w.wrkCpuMs / (wallMs * os.cpus().length),
    machineBusyShare: (m1.busy - m0.busy) / (m1.total - m0.total),
  };
  // The whole row at once, so the figures of a run cut short (a machine too loaded to create the next environment) are kept.
  log(`${stack} ${variant} ${c.name}: ${w.rps.toFixed(0)} req/s, ${run.errors} errors, store round trips/request ${storeRoundTripsPerRequest?.toFixed(2) ?? "-"}, store connections/request ${storeConnectionsPerRequest?.toFixed(2) ?? "-"}, wrk ${(run.wrkCpuShare * 100).toFixed(0)}% of the machine, machine ${(run.machineBusyShare * 100).toFixed(0)}% busy, CPU us/request ${JSON.stringify(Object.fromEntries(Object.entries(cpuUsPerRequest).map(([k, v]) => [k, Math.round(v)])))}`);
  return run;
}


export async function benchSessions(): Promise<SessionRun[]> {
  await sweepInstance(INSTANCE);
  const app = await startApp({ PHLEET_INSTANCE: INSTANCE, PHLEET_API_TOKEN: `bench_${Date.now()}_sessions`, PHLEET_SUBNET_POOL: POOL, PHLEET_STATS: "off" });
  const token = app.env.PHLEET_API_TOKEN!;
  const api: Api = async (method, p, body) => {
    const r = await fetch(`${app.url}${p}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, json: (text ? JSON.parse(text) : null) as never };
  };
  const runs: SessionRun[] = [];
  try {
    for (const stack of STACKS) {
      log(`creating ${VARIANTS.length} environments of ${stack} x2`);
      // One after the other: on a loaded 2-core machine parallel creation runs into health-check time-outs.
      const envs: Environment[] = [];
      for (const [i, v] of VARIANTS.entries()) envs.push(await createEnv(api, `bs-${stack === "apache-php" ? "a" : "n"}-${i}`, stack, v.store, v.count));
      await makeFilesSticky(api, envs[0]!, stack);
      // Cases outside, variants inside: the variants of one case run within the same minute of machine noise.
      for (const c of CASES) for (const [i, v] of VARIANTS.entries()) runs.push(await measure(envs[i]!, stack, v.name, c));
      for (const e of envs) await api("DELETE", `/api/v1/environments/${e.id}`);
    }
  } finally {
    await app.stop();
    await sweepInstance(INSTANCE);
  }
  printSessions(runs);
  return runs;
}

export function printSessions(runs: SessionRun[]) {
  console.log(`\nClustered sessions vs local files + sticky, through the balancer (wrk, ${CONNECTIONS} connections = ${CONNECTIONS} sessions, ${SECONDS} s per run)`);
  console.log("CPU per request in microseconds per container (cgroup); store round trips and new store connections per request (store counters)");
  for (const stack of [...new Set(runs.map((r) => r.stack))]) {
    for (const c of CASES) {
      const rows = runs.filter((r) => r.stack === stack && r.case === c.name);
      const base = rows.find((r) => r.variant === "files+sticky");
      console.log(`\n${stack} x2, ${c.name} (${c.what})`);
      console.log(`  ${"variant".padEnd(14)}${"req/s".padStart(7)}${"ratio".padStart(7)}${"cpu ratio".padStart(10)}${"errors".padStart(8)}  ${"store rt/req".padEnd(13)}${"conn/req".padEnd(9)}${"wrk cpu".padEnd(8)}${"machine".padEnd(8)}CPU us/request`);
      const totalCpu = (r: SessionRun) => Object.values(r.cpuUsPerRequest).reduce((a, b) => a + b, 0);
      for (const r of rows) {
        const cpu = Object.entries(r.cpuUsPerRequest)
          .map(([k, v]) => `${k} ${v.toFixed(0)}`)
          .join(", ");
        const total = totalCpu(r);
        console.log(
          `  ${r.variant.padEnd(14)}${r.rps.toFixed(0).padStart(7)}${(base ? (r.rps / base.rps).toFixed(2) : "-").padStart(7)}` +
            `${(base ? (totalCpu(base) / total).toFixed(2) : "-").padStart(10)}${String(r.errors).padStart(8)}  ` +
            `${(r.storeRoundTripsPerRequest?.toFixed(2) ?? "-").padEnd(13)}${(r.storeConnectionsPerRequest?.toFixed(2) ?? "-").padEnd(9)}` +
            `${`${(r.wrkCpuShare * 100).toFixed(0)}%`.padEnd(8)}${`${(r.machineBusyShare * 100).toFixed(0)}%`.padEnd(8)}${cpu} (total ${total.toFixed(0)})`,
        );
      }
    }
  }
  console.log("\nwrk cpu: the load generator's share of the machine's CPU; machine: how busy the whole machine was (others' work included).");
  console.log(
    "cpu ratio: the baseline's CPU per request (all its containers) over the variant's: the requests/s ratio a machine whose CPU is the only limit would show. " +
      "On a shared machine it moves less than the req/s ratio, which follows others' load from one 10 s run to the next.",
  );
}

if (require.main === module) {
  prepareBench(log);
  benchSessions().catch((err) => {
    console.error(`[bench-sessions] ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  });
}
