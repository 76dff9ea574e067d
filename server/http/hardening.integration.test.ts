import Docker from "dockerode";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Environment } from "../contracts/environment";
import { api } from "../testing/api-client";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate, startApp, type TestApp } from "../testing/app-server";
import { signIn } from "../testing/dashboard-session";

/**
 * Issue 15's findings at the HTTP edge, against the real running app (and, for the engine errors, a real
 * paused container and a control plane whose engine does not answer).
 */

const PASSWORD = "integration-pass";

/**
 * Sends a large body and returns the answer even when the server answers before reading it all and closes
 * (which is the point): fetch reports that as a failed write; a plain request still sees the response.
 */
function sendBody(url: string, method: string, headers: Record<string, string>, payload: Buffer, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: chunked ? headers : { ...headers, "content-length": String(payload.length) }, agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", (err) => setTimeout(() => reject(err), 2000)); // a write error after the answer is expected
    const write = async () => {
      for (let i = 0; i < payload.length && !req.destroyed; i += 1 << 20) {
        if (!req.write(payload.subarray(i, i + (1 << 20)))) await new Promise((r) => req.once("drain", r));
      }
      req.end();
    };
    void write().catch(() => undefined);
  });
}
const docker = new Docker();
let env: Environment;

beforeAll(async () => {
  const client = api();
  const created = await client.create({ name: "it-harden", appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 }, loadBalancer: { type: "nginx" } });
  expect(created.status).toBe(202);
  env = await client.waitSettled(created.json.id);
  expect(env.status, env.error ?? "").toBe("running");
});

afterAll(async () => {
  if (env) {
    const client = api();
    await client.call("DELETE", `/api/v1/environments/${env.id}`);
    await client.waitGone(env.id).catch(() => undefined);
  }
});

describe("finding 1: engine errors are recognised by their brand, not their class", () => {
  test.each([
    ["a file save to a paused node", "paused", 502, "engine_error"],
    ["any call when the engine does not answer", "no-engine", 503, "engine_unavailable"],
  ])("%s answers the API error, not 500", async (_label, situation, status, code) => {
    if (situation === "paused") {
      const app = env.nodes.find((n) => n.role === "app")!;
      await docker.getContainer(app.containerId!).pause();
      try {
        const r = await api().call("PUT", `/api/v1/environments/${env.id}/nodes/${app.id}/files?path=${encodeURIComponent("/etc/php/8.2/apache2/conf.d/90-phleet-session.ini")}`, { content: "; x\n" });
        expect(r.status, JSON.stringify(r.json)).toBe(status);
        expect((r.json as { error: { code: string } }).error.code).toBe(code);
      } finally {
        await docker.getContainer(app.containerId!).unpause();
      }
      return;
    }
    const other = await startApp({ PHLEET_INSTANCE: "h15noengine", PHLEET_API_TOKEN: "no-engine-token-0123456789", DOCKER_HOST: "unix:///tmp/phleet-no-such-engine.sock", PHLEET_STATS: "off" });
    try {
      const r = await fetch(`${other.url}/api/v1/environments`, { headers: { authorization: "Bearer no-engine-token-0123456789" } });
      expect(r.status).toBe(status);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe(code);
    } finally {
      await other.stop();
    }
  });
});

describe("finding 2: after sign-in the browser goes only to a dashboard path", () => {
  let cookie = "";
  beforeAll(async () => {
    cookie = await signIn(api().base, PASSWORD);
  });
  test.each([
    ["a tab between the slashes", "%2F%09%2Fevil.example", "/"],
    ["a newline between the slashes", "%2F%0A%2Fevil.example", "/"],
    ["a header-breaking newline", "%2Fx%0D%0ASet-Cookie:%20a=b", "/"],
    ["a backslash", "%2F%5Cevil.example", "/"],
    ["a protocol-relative URL", "%2F%2Fevil.example", "/"],
    ["a dashboard page", "%2Fenvironments%2Fabc", "/environments/abc"],
  ])("%s", async (_label, next, location) => {
    const r = await fetch(`${api().base}/sign-in?next=${next}`, { headers: { cookie }, redirect: "manual" });
    expect(r.status).toBeGreaterThanOrEqual(300);
    expect(r.status).toBeLessThan(400);
    const to = new URL(r.headers.get("location")!, api().base);
    expect(to.origin).toBe(api().base);
    expect(to.pathname).toBe(location);
  });
});

describe("finding 5: request bodies are limited before they are read", () => {
  const big = (n: number) => JSON.stringify({ password: "x".repeat(n) });
  test.each([
    ["a 50 MB password", "/api/v1/auth/session", "POST", () => big(50 * 1024 * 1024), false],
    ["a 50 MB password, streamed without Content-Length", "/api/v1/auth/session", "POST", () => big(50 * 1024 * 1024), true],
    ["a 3 MB config file", "files", "PUT", () => JSON.stringify({ content: "x".repeat(3 * 1024 * 1024) }), false],
  ])("%s gets 413", async (_label, path, method, body, streamed) => {
    const app = env.nodes.find((n) => n.role === "app")!;
    const url = path === "files" ? `${api().base}/api/v1/environments/${env.id}/nodes/${app.id}/files?path=${encodeURIComponent("/etc/php/8.2/apache2/php.ini")}` : `${api().base}${path}`;
    const payload = Buffer.from(body());
    const started = Date.now();
    const headers = { "content-type": "application/json", authorization: `Bearer ${api().token}`, "x-forwarded-for": `10.99.${Math.floor(Math.random() * 250)}.1` };
    const r = await sendBody(url, method, headers, payload, streamed);
    expect(r.status).toBe(413);
    expect((JSON.parse(r.body) as { error: { code: string } }).error.code).toBe("payload_too_large");
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("finding 10: framing, cross-site sign-out, opaque origins, unsupported methods", () => {
  test.each([
    ["the sign-in page", "/sign-in"],
    ["the dashboard", "/"],
    ["an API answer", "/api/v1/openapi.json"],
  ])("%s may not be framed by another site", async (_label, path) => {
    const r = await fetch(`${api().base}${path}`, { redirect: "manual" });
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  test.each([
    ["sign-out from another site", "DELETE", "/api/v1/auth/session", "https://evil.example", 403, true],
    ["sign-out with an opaque origin", "DELETE", "/api/v1/auth/session", "null", 403, true],
    ["a change with an opaque origin", "POST", "/api/v1/reconcile", "null", 403, true],
    ["a change with a malformed origin", "POST", "/api/v1/reconcile", "http://[bad", 403, true],
    ["sign-out from the dashboard itself", "DELETE", "/api/v1/auth/session", "SELF", 200, false],
  ])("%s is answered with the expected status", async (_label, method, path, origin, status, sessionSurvives) => {
    const base = api().base;
    const cookie = await signIn(base, PASSWORD);
    const r = await fetch(`${base}${path}`, { method, headers: { cookie, origin: origin === "SELF" ? base : origin } });
    expect(r.status).toBe(status);
    expect(((await r.json()) as { error?: { code: string } }).error?.code ?? "ok").toBe(status === 403 ? "forbidden" : "ok");
    const still = await fetch(`${base}/api/v1/environments`, { headers: { cookie } });
    expect(still.status).toBe(sessionSurvives ? 200 : 401);
    if (sessionSurvives) await fetch(`${base}/api/v1/auth/session`, { method: "DELETE", headers: { cookie, origin: base } });
  });

  test.each([
    ["PUT on the environment list", "PUT", "/api/v1/environments", "GET, POST"],
    ["DELETE on the OpenAPI document", "DELETE", "/api/v1/openapi.json", "GET"],
    ["GET on sign-in", "GET", "/api/v1/auth/session", "POST, DELETE"],
    ["POST on one environment", "POST", "/api/v1/environments/x", "GET, DELETE, PATCH"],
  ])("%s gets a JSON 405 with Allow", async (_label, method, path, allowed) => {
    const r = await fetch(`${api().base}${path}`, { method, headers: { authorization: `Bearer ${api().token}` } });
    expect(r.status).toBe(405);
    for (const m of allowed.split(", ")) expect(r.headers.get("allow")).toContain(m);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("method_not_allowed");
  });
});

describe("finding 9: a statistics stream ends when its session signs out", () => {
  test.each([
    ["signed out through the API", "sign-out"],
  ])("%s", async () => {
    const base = api().base;
    const cookie = await signIn(base, PASSWORD);
    const ac = new AbortController();
    const r = await fetch(`${base}/api/v1/environments/${env.id}/stats/stream?window=10`, { headers: { cookie }, signal: ac.signal });
    expect(r.status).toBe(200);
    const reader = r.body!.getReader();
    const dec = new TextDecoder();
    let text = "";
    const readUntil = async (pred: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!pred() && Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), new Promise<null>((res) => setTimeout(() => res(null), Math.max(1, deadline - Date.now())))]);
        if (!chunk) break;
        if (chunk.done) return true;
        text += dec.decode(chunk.value);
      }
      return false;
    };
    await readUntil(() => text.includes("event: stats"), 15_000);
    expect(text).toContain("event: stats");
    const out = await fetch(`${base}/api/v1/auth/session`, { method: "DELETE", headers: { cookie, origin: base } });
    expect(out.status).toBe(200);
    const before = text.length;
    const ended = await readUntil(() => false, 8_000);
    ac.abort();
    expect(ended, `still streaming after sign-out: ${text.slice(before, before + 300)}`).toBe(true);
    expect(text.slice(before)).toContain("event: signed-out");
  });
});

describe("finding 4: sign-in attempts are limited, and a flood does not slow the rest of the API", () => {
  let app: TestApp;
  const token = "flood-token-0123456789abcdef";
  let password = "";
  beforeAll(async () => {
    // No PHLEET_ADMIN_PASSWORD: the first start generates one and stores it scrypt-hashed (the costly path
    // every wrong guess takes), as `npm run up` does.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-flood-"));
    const env = { PHLEET_DATABASE_URL: `file:${path.join(dataDir, "phleet.db")}`, PHLEET_INSTANCE: "h15flood", PHLEET_API_TOKEN: token };
    migrate(env);
    const boot = spawnSync(path.resolve(__dirname, "../../node_modules/.bin/tsx"), ["scripts/bootstrap.ts"], { cwd: path.resolve(__dirname, "../.."), env: { ...process.env, ...env }, encoding: "utf8" });
    password = /admin password: (\S+)/.exec(boot.stdout)?.[1] ?? "";
    expect(password, boot.stdout + boot.stderr).not.toBe("");
    app = await startApp({ ...env, PHLEET_STATS: "off", PHLEET_SUBNET_POOL: "10.251.0.0/16" }, { dataDir });
  });
  afterAll(async () => app?.stop());

  // An API call that is the control plane's work only (token check, database lookup), no engine round trip.
  const timedGet = async () => {
    const t = performance.now();
    const r = await fetch(`${app.url}/api/v1/environments/no-such-environment`, { headers: { authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
    expect(r.status).toBe(404);
    return performance.now() - t;
  };
  const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

  test.each([
    ["from one client", false],
    ["from many spoofed addresses", true],
  ])("a flood %s is answered with 429 and Retry-After while other calls keep their latency", async (_label, spoof) => {
    const baseline: number[] = [];
    for (let i = 0; i < 20; i++) baseline.push(await timedGet());

    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let stop = false;
    const deadline = Date.now() + 8_000;
    let sent = 0;
    // 8 clients at 5 attempts a second each: 40 a second, about three times the rate the finding measured.
    const flooder = async (w: number) => {
      while (!stop && Date.now() < deadline && sent < 400) {
        sent++;
        const pace = new Promise((r) => setTimeout(r, 200));
        const r = await fetch(`${app.url}/api/v1/auth/session`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(spoof ? { "x-forwarded-for": `10.${w}.${sent % 250}.${sent % 200}` } : {}) },
          body: JSON.stringify({ password: `wrong-${sent}` }),
        });
        statuses.push(r.status);
        if (r.status === 429) retryAfter ??= r.headers.get("retry-after");
        await r.arrayBuffer();
        await pace;
      }
    };
    const flood = Promise.all(Array.from({ length: 8 }, (_, w) => flooder(w)));
    await new Promise((r) => setTimeout(r, 500));
    const during: number[] = [];
    for (let i = 0; i < 20; i++) during.push(await timedGet());
    stop = true;
    await flood;
    // The machine is shared: the reference is the slower of the quiet periods before and after the flood.
    const after: number[] = [];
    for (let i = 0; i < 20; i++) after.push(await timedGet());
    const reference = Math.max(p90(baseline), p90(after));

    const limited = statuses.filter((s) => s === 429).length;
    const wrong = statuses.filter((s) => s === 401).length;
    console.log(`[flood ${spoof ? "spoofed" : "one client"}] sent ${statuses.length}: ${wrong} x 401, ${limited} x 429; p90 before ${p90(baseline).toFixed(0)} ms, during ${p90(during).toFixed(0)} ms, after ${p90(after).toFixed(0)} ms`);
    expect(limited).toBeGreaterThan(statuses.length / 2);
    // Spoofed X-Forwarded-For values dodge the per-client limit (without a proxy that appends the real
    // address, Next passes the client's header on); the global limit still holds: 10 at once, then 1 a second.
    expect(wrong).toBeLessThanOrEqual(spoof ? 10 + 10 : 5);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // The finding: 200 ms -> 3.5 s. The machine is shared, so the bound leaves room for its own noise.
    expect(p90(during)).toBeLessThan(Math.max(3 * reference, reference + 1000));
    // The right password from a client over its limit is refused too, until Retry-After has passed.
    if (!spoof) {
      const right = await fetch(`${app.url}/api/v1/auth/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ password }) });
      expect(right.status).toBe(429);
    }
  });
});
