/**
 * Issue 6 figures: requests/s through the balancer with sessions in Memcached, in Redis, and in local
 * files with sticky balancing (the unclustered baseline) on the same topology, side by side; and the
 * error counts of the kill scenarios. Load goes only to 127.0.0.1 (the balancers' published ports).
 */
import Docker from "dockerode";
import http from "node:http";
import type { Environment } from "../server/contracts/environment";
import { startLoad, sleep, type LoadReport } from "../server/testing/load";

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: unknown }>;

async function createEnv(api: Api, name: string, store: "memcached" | "redis", stores = 1): Promise<Environment> {
  const r = await api("POST", "/api/v1/environments", { name, appServer: { type: "apache-php", count: 2 }, sessionStore: { type: store, count: stores } });
  if (r.status !== 202) throw new Error(`create ${name}: ${JSON.stringify(r.json)}`);
  const id = (r.json as Environment).id;
  for (let i = 0; i < 300; i++) {
    const e = (await api("GET", `/api/v1/environments/${id}`)).json as Environment;
    if (e.status === "running") return e;
    if (e.status === "failed") throw new Error(`${name} failed: ${e.error}`);
    await sleep(1000);
  }
  throw new Error(`${name} did not start`);
}

async function removeEnv(api: Api, id: string) {
  await api("DELETE", `/api/v1/environments/${id}`);
  for (let i = 0; i < 120 && (await api("GET", `/api/v1/environments/${id}`)).status !== 404; i++) await sleep(500);
}

async function exec(docker: Docker, id: string, cmd: string[]) {
  const e = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const s = await e.start({ hijack: true, stdin: false });
  s.resume();
  await new Promise((r) => s.on("end", r));
}

/** Turns an environment into the unclustered baseline: sessions in local files, sticky balancing by session cookie. */
async function makeFilesSticky(docker: Docker, env: Environment) {
  for (const app of env.nodes.filter((n) => n.role === "app")) {
    await exec(docker, app.containerId!, ["sh", "-c", `printf 'session.save_handler = files\\nsession.save_path = "/var/lib/php/sessions"\\n' > /etc/php/8.2/apache2/conf.d/90-phleet-session.ini && apache2ctl graceful`]);
  }
  const lb = env.nodes.find((n) => n.role === "balancer")!;
  const apps = env.nodes.filter((n) => n.role === "app").map((n) => `    server ${n.ip}:80;`).join("\\n");
  await exec(docker, lb.containerId!, ["sh", "-c", `printf 'upstream phleet_app {\\n    zone phleet_app 64k;\\n    hash $cookie_PHPSESSID consistent;\\n${apps}\\n    keepalive 32;\\n}\\n' > /etc/nginx/phleet-upstream.conf && nginx -s reload`]);
  await sleep(1500);
}

/** Fixed-count load with keep-alive and a fixed set of sessions: requests/s and errors. */
async function throughput(url: string, total = 4000, concurrency = 16, sessions = 32) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const cookies: string[] = Array(sessions).fill("");
  let sent = 0;
  let errors = 0;
  const get = (i: number) =>
    new Promise<void>((resolve) => {
      const req = http.get(`${url}/counter.php`, { agent, headers: cookies[i] ? { cookie: cookies[i] } : {}, timeout: 10_000 }, (res) => {
        const set = res.headers["set-cookie"]?.[0];
        if (set) cookies[i] = set.split(";")[0]!;
        if (res.statusCode !== 200) errors++;
        res.resume();
        res.on("end", () => resolve());
      });
      req.on("timeout", () => req.destroy());
      req.on("error", () => {
        errors++;
        resolve();
      });
    });
  // Warm up every session once, then measure.
  for (let i = 0; i < sessions; i++) await get(i);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        const i = sent++ % sessions;
        await get(i);
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  agent.destroy();
  return { rps: total / secs, errors };
}

type KillReport = LoadReport & { whileDown?: Pick<LoadReport, "requests" | "failed" | "resets" | "stale"> };

async function killUnderLoad(docker: Docker, env: Environment, role: "app" | "session"): Promise<KillReport> {
  const load = startLoad(env.url!, { sessions: 6, maxMs: 60_000 });
  await sleep(2000);
  const victim = env.nodes.find((n) => n.role === role)!;
  await docker.getContainer(victim.containerId!).kill({ signal: "SIGKILL" });
  // The counts up to the moment Phleet starts the node again, then through its return (a session node's re-admission).
  for (let i = 0; i < 600 && !(await docker.getContainer(victim.containerId!).inspect()).State.Running; i++) await sleep(50);
  const { requests, failed, resets, stale } = load.report;
  for (let i = 0; i < 60; i++) {
    await sleep(1000);
    if ((await docker.getContainer(victim.containerId!).inspect()).State.Health?.Status === "healthy") break;
  }
  await sleep(role === "session" ? 8000 : 3000);
  return { ...(await load.stop()), whileDown: { requests, failed, resets, stale } };
}

export async function benchHa(api: Api) {
  const docker = new Docker();
  const rows: { label: string; rps: number; errors: number }[] = [];
  for (const variant of ["memcached", "redis", "files-sticky"] as const) {
    const env = await createEnv(api, `bench-rps-${variant}`, variant === "redis" ? "redis" : "memcached");
    try {
      if (variant === "files-sticky") await makeFilesSticky(docker, env);
      const r = await throughput(env.url!);
      rows.push({ label: variant, ...r });
      console.log(`[bench] ${variant}: ${r.rps.toFixed(0)} requests/s, ${r.errors} errors`);
    } finally {
      await removeEnv(api, env.id);
    }
  }
  const kills: Record<string, KillReport> = {};
  const mc = await createEnv(api, "bench-kill-mc", "memcached", 2);
  try {
    kills["app server kill -9"] = await killUnderLoad(docker, mc, "app");
    kills["memcached node kill -9 (1 of 2)"] = await killUnderLoad(docker, (await api("GET", `/api/v1/environments/${mc.id}`)).json as Environment, "session");
  } finally {
    await removeEnv(api, mc.id);
  }
  return { rows, kills };
}

export function printHa({ rows, kills }: Awaited<ReturnType<typeof benchHa>>) {
  const base = rows.find((r) => r.label === "files-sticky")!;
  console.log("\nThroughput through the balancer, apache-php x2, 16 connections, 32 sessions, 4000 requests");
  for (const r of rows) console.log(`  ${r.label.padEnd(14)} ${r.rps.toFixed(0).padStart(6)} req/s   ratio to files+sticky ${(r.rps / base.rps).toFixed(2)}   errors ${r.errors}`);
  console.log("Kill scenarios under 6 sessions of load (requests, failed, counter resets, stale, retried twice)");
  for (const [k, r] of Object.entries(kills)) {
    console.log(`  ${k.padEnd(32)} ${r.requests} requests, ${r.failed} failed, ${r.resets} resets, ${r.stale} stale, ${r.retriedTwice} retried twice`);
    const d = r.whileDown;
    if (d) console.log(`  ${"  of which while it was down".padEnd(32)} ${d.requests} requests, ${d.failed} failed, ${d.resets} resets, ${d.stale} stale`);
  }
}
