/**
 * Deployment figures for `npm run bench` (issue 11): the time from the upload of a 50 MB / 5,000-file
 * archive to a succeeded rollout, on 2 and on 4 app servers (nginx-php + memcached). Traffic stays on
 * 127.0.0.1. Run alone with: PHLEET_TEST_INSTANCE=... tsx scripts/bench-deploy.ts
 */
import crypto from "node:crypto";
import http from "node:http";
import { pack } from "tar-stream";

type Api = (method: string, p: string, body?: unknown) => Promise<{ status: number; json: unknown }>;

export interface DeployBench {
  archiveBytes: number;
  files: number;
  ms: Record<number, number>;
}

/** 5,000 files of 10 KB of random bytes (incompressible, so the size is the size), as a plain tar. */
async function bigArchive(files = 5000, bytesEach = 10 * 1024): Promise<Buffer> {
  const p = pack();
  p.entry({ name: "index.php" }, "<?php echo 'bench release';\n");
  for (let i = 0; i < files - 1; i++) p.entry({ name: `assets/${Math.floor(i / 100)}/f${i}.bin` }, crypto.randomBytes(bytesEach));
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function upload(base: string, token: string, envId: string, body: Buffer): Promise<{ status: number; json: { id?: string } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(`${base}/api/v1/environments/${envId}/deployments`), { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/x-tar", "content-length": String(body.length) } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not done after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function benchDeploy(base: string, token: string, api: Api): Promise<DeployBench> {
  const archive = await bigArchive();
  const created = await api("POST", "/api/v1/environments", { name: "bench-deploy", appServer: { type: "nginx-php", count: 2 }, sessionStore: { type: "memcached", count: 1 } });
  const envId = (created.json as { id: string }).id;
  const status = async () => ((await api("GET", `/api/v1/environments/${envId}`)).json as { status: string; task: { status: string } | null });
  const ms: Record<number, number> = {};
  try {
    await waitFor("environment running", async () => ((await status()).status === "running" ? true : null), 300_000);
    for (const count of [2, 4]) {
      if (count !== 2) {
        await api("PATCH", `/api/v1/environments/${envId}`, { appServer: { count } });
        await waitFor("scale", async () => ((await status()).task?.status === "succeeded" ? true : null), 300_000);
      }
      const t0 = Date.now();
      const r = await upload(base, token, envId, archive);
      if (r.status !== 202) throw new Error(`deploy answered ${r.status}: ${JSON.stringify(r.json)}`);
      const d = await waitFor(
        "deployment",
        async () => {
          const items = ((await api("GET", `/api/v1/environments/${envId}/deployments`)).json as { items: { id: string; status: string; error: string | null }[] }).items;
          const x = items.find((i) => i.id === r.json.id);
          return x && (x.status === "succeeded" || x.status === "failed") ? x : null;
        },
        600_000,
      );
      if (d.status !== "succeeded") throw new Error(`deployment failed: ${d.error}`);
      ms[count] = Date.now() - t0;
      console.log(`[bench] deployment of ${(archive.length / 1024 / 1024).toFixed(1)} MB / 5000 files to ${count} app servers: ${(ms[count] / 1000).toFixed(1)} s`);
    }
  } finally {
    await api("DELETE", `/api/v1/environments/${envId}`);
    await waitFor("deletion", async () => ((await api("GET", `/api/v1/environments/${envId}`)).status === 404 ? true : null), 120_000).catch(() => undefined);
  }
  return { archiveBytes: archive.length, files: 5000, ms };
}

export function printDeploy(b: DeployBench) {
  console.log(`\nDeployment of a ${(b.archiveBytes / 1024 / 1024).toFixed(1)} MB / ${b.files}-file archive (upload to succeeded rollout, nginx-php)`);
  for (const [n, ms] of Object.entries(b.ms)) console.log(`  ${n} app servers: ${(ms / 1000).toFixed(1)} s`);
  if (b.ms[2] && b.ms[4]) console.log(`  ratio 4/2: ${(b.ms[4] / b.ms[2]).toFixed(2)}`);
}

// Alone: its own app on its own instance label, swept before and after.
if (process.argv[1]?.endsWith("bench-deploy.ts")) {
  void (async () => {
    const { startApp } = await import("../server/testing/app-server");
    const { sweepInstance } = await import("../server/testing/sweep");
    const instance = `bench-dep-${process.env.PHLEET_TEST_INSTANCE ?? "x"}`.slice(0, 24);
    await sweepInstance(instance);
    const token = `bench_${Date.now()}_token`;
    const app = await startApp({ PHLEET_INSTANCE: instance, PHLEET_API_TOKEN: token, PHLEET_SUBNET_POOL: "10.219.0.0/16" });
    const api: Api = async (method, p, body) => {
      const r = await fetch(`${app.url}${p}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      return { status: r.status, json: text ? (JSON.parse(text) as unknown) : null };
    };
    try {
      printDeploy(await benchDeploy(app.url, token, api));
    } finally {
      await app.stop();
      await sweepInstance(instance);
    }
  })().catch((err) => {
    console.error(`[bench] ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  });
}
