/**
 * npm run bench: figures measured side by side in one run, printed as ratios. Never fails on a timing.
 * - creation time from the API call to the first session-served 200 through the balancer, per stack (median of 3)
 * - image build time from scratch (no cache), per image and per stack
 * - clustered sessions against local files + sticky (scripts/bench-sessions.ts); `npm run bench -- sessions` runs only that
 * Traffic goes only to 127.0.0.1 (the balancers' published ports).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { contextTar } from "../server/images/build";
import { DockerRuntime } from "../server/runtime/docker/docker-runtime";
import { startApp } from "../server/testing/app-server";
import { sweepInstance } from "../server/testing/sweep";
import { benchHa, printHa } from "./bench-ha";
import { benchDeploy, printDeploy } from "./bench-deploy";
import { benchSessions } from "./bench-sessions";
import { benchStats } from "./bench-stats";

const root = path.resolve(__dirname, "..");
const INSTANCE = "bench";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const STACKS = [
  { label: "apache-php + memcached", app: "apache-php", store: "memcached", images: ["apache-php", "memcached", "nginx-lb"] },
  { label: "nginx-php + redis", app: "nginx-php", store: "redis", images: ["nginx-php", "redis", "nginx-lb"] },
] as const;

function prepare() {
  execFileSync("bash", ["scripts/host-tools.sh", "--bench"], { cwd: root, stdio: "inherit" });
  execFileSync("bash", ["scripts/engine.sh"], { cwd: root, stdio: "inherit" });
  execFileSync("node_modules/.bin/tsx", ["scripts/build-images.ts"], { cwd: root, stdio: "inherit" });
  const dist = process.env.PHLEET_DIST_DIR || ".next";
  if (!fs.existsSync(path.join(root, dist, "BUILD_ID"))) {
    console.log("[bench] building the app");
    execFileSync("node_modules/.bin/next", ["build"], { cwd: root, stdio: "ignore" });
  }
}

async function firstSessionServed(url: string, deadlineMs: number): Promise<void> {
  let cookie = "";
  while (Date.now() < deadlineMs) {
    try {
      const r = await fetch(`${url}/counter.php`, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(2000) });
      const set = r.headers.getSetCookie()[0];
      if (set) cookie = set.split(";")[0]!;
      if (r.status === 200) {
        const body = (await r.json()) as { visits?: number };
        if (body.visits && body.visits >= 1) return;
      }
    } catch {
      /* not published yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no session-served 200 before the deadline");
}

async function creationTimes(base: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const out: Record<string, number[]> = {};
  for (let round = 1; round <= 3; round++) {
    for (const s of STACKS) {
      const name = `bench-${s.app}-${round}`;
      const started = Date.now();
      const res = await fetch(`${base}/api/v1/environments`, {
        method: "POST",
        headers,
        body: JSON.stringify({ name, appServer: { type: s.app, count: 2 }, sessionStore: { type: s.store, count: 1 }, loadBalancer: { type: "nginx" } }),
      });
      const env = (await res.json()) as { id: string; url: string };
      if (res.status !== 202) throw new Error(`create failed: ${JSON.stringify(env)}`);
      await firstSessionServed(env.url, started + 180_000);
      const ms = Date.now() - started;
      (out[s.label] ??= []).push(ms);
      console.log(`[bench] ${s.label} round ${round}: ${fmt(ms)}`);
      await fetch(`${base}/api/v1/environments/${env.id}`, { method: "DELETE", headers });
      for (let i = 0; i < 120; i++) {
        const g = await fetch(`${base}/api/v1/environments/${env.id}`, { headers });
        if (g.status === 404) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  return out;
}

async function buildTimes() {
  const rt = new DockerRuntime();
  const names = [...new Set(STACKS.flatMap((s) => s.images))];
  const times: Record<string, number> = {};
  for (const name of names) {
    const tag = `phleet-bench/${name}:${Date.now()}`;
    const started = Date.now();
    await rt.buildImage(contextTar(name), tag, { "phleet.instance": INSTANCE }, undefined, { noCache: true });
    times[name] = Date.now() - started;
    console.log(`[bench] image ${name} from scratch: ${fmt(times[name])}`);
    await rt.removeImage(tag);
  }
  return times;
}

async function main() {
  prepare();
  if (process.argv[2] === "sessions") {
    await benchSessions();
    return;
  }
  await sweepInstance(INSTANCE);
  const app = await startApp({ PHLEET_INSTANCE: INSTANCE, PHLEET_API_TOKEN: `bench_${Date.now()}_token`, PHLEET_SUBNET_POOL: "10.218.0.0/16" });
  let creation: Record<string, number[]> = {};
  let ha: Awaited<ReturnType<typeof benchHa>> | undefined;
  let deploy: Awaited<ReturnType<typeof benchDeploy>> | undefined;
  const token = app.env.PHLEET_API_TOKEN!;
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${app.url}${p}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, json: text ? (JSON.parse(text) as unknown) : null };
  };
  try {
    creation = await creationTimes(app.url, token);
    ha = await benchHa(api);
    deploy = await benchDeploy(app.url, token, api);
  } finally {
    await app.stop();
    await sweepInstance(INSTANCE);
  }
  const builds = await buildTimes();

  const [a, b] = STACKS;
  const ca = median(creation[a.label]!);
  const cb = median(creation[b.label]!);
  const ba = a.images.reduce((t, n) => t + builds[n]!, 0);
  const bb = b.images.reduce((t, n) => t + builds[n]!, 0);
  console.log("\nPhleet bench (one run, side by side)");
  console.log("stack                     creation to first session 200 (median of 3)   image builds, no cache");
  console.log(`${a.label.padEnd(26)}${fmt(ca).padEnd(47)}${fmt(ba)}`);
  console.log(`${b.label.padEnd(26)}${fmt(cb).padEnd(47)}${fmt(bb)}`);
  console.log(`ratio nginx-php/apache-php: creation ${(cb / ca).toFixed(2)}, image builds ${(bb / ba).toFixed(2)}`);
  for (const [n, ms] of Object.entries(builds)) console.log(`  image ${n}: ${fmt(ms)}`);
  if (ha) printHa(ha);
  if (deploy) printDeploy(deploy);
  await benchStats(); // prints its own table: control-plane CPU and memory with statistics on vs off
  await benchSessions(); // prints its own table: clustered sessions against local files + sticky
}

main().catch((err) => {
  console.error(`[bench] ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
