import { afterAll, beforeAll, expect, test } from "vitest";
import WebSocket from "ws";
import type { AuditPage } from "../contracts/audit";
import type { Environment } from "../contracts/environment";
import { startApp, type TestApp } from "../testing/app-server";
import { subnetPoolOf } from "../testing/instances";
import { sweepInstance } from "../testing/sweep";

/**
 * The terminal's limits, on a Phleet of its own started with PHLEET_TERMINAL_MAX=1 and
 * PHLEET_TERMINAL_IDLE_MS=1500: a second terminal is refused while one is open, and a terminal
 * without input is closed after the idle time (and so frees its place).
 */

const instance = `itterm${process.env.PHLEET_TEST_INSTANCE ?? ""}`;
const password = "terminal-limits-pass";
const token = "terminal-limits-token-0123456789";
let app: TestApp;
let env: Environment;
let cookie = "";

beforeAll(async () => {
  await sweepInstance(instance);
  app = await startApp({
    PHLEET_INSTANCE: instance,
    PHLEET_SUBNET_POOL: subnetPoolOf(instance),
    PHLEET_API_TOKEN: token,
    PHLEET_ADMIN_PASSWORD: password,
    PHLEET_TERMINAL_MAX: "1",
    PHLEET_TERMINAL_IDLE_MS: "1500",
  });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const created = await fetch(`${app.url}/api/v1/environments`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "it-term-limits", appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "redis", count: 1 } }),
  });
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as Environment;
  const deadline = Date.now() + 240_000;
  for (;;) {
    env = (await (await fetch(`${app.url}/api/v1/environments/${id}`, { headers })).json()) as Environment;
    if (env.status !== "creating" || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect(env.status, env.error ?? "").toBe("running");
  const signIn = await fetch(`${app.url}/api/v1/auth/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ password }) });
  cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
});

afterAll(async () => {
  await app?.stop();
  await sweepInstance(instance);
});

function open(nodeId: string): Promise<{ refused: number } | { ws: WebSocket; closed: Promise<{ code: number; at: number }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${app.url.replace(/^http/, "ws")}/api/v1/environments/${env.id}/nodes/${nodeId}/terminal`, { headers: { cookie, origin: app.url } });
    const closed = new Promise<{ code: number; at: number }>((r) => ws.once("close", (code) => r({ code, at: Date.now() })));
    ws.once("unexpected-response", (_q, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once("open", () => resolve({ ws, closed }));
    ws.once("error", reject);
  });
}

test("at most PHLEET_TERMINAL_MAX at once; an idle terminal is closed after PHLEET_TERMINAL_IDLE_MS", async () => {
  const node = env.nodes.find((n) => n.role === "app")!;
  const first = await open(node.id);
  if (!("ws" in first)) throw new Error(`refused with ${first.refused}`);
  const opened = Date.now();
  // A second one while the first runs: 429.
  expect(await open(node.id)).toEqual({ refused: 429 });
  // No input: closed by the server with the idle code, after about the idle time.
  const { code, at } = await first.closed;
  expect(code).toBe(4408);
  expect(at - opened).toBeGreaterThanOrEqual(1400);
  expect(at - opened).toBeLessThan(8000);
  // Its place is free again.
  await new Promise((r) => setTimeout(r, 200));
  const again = await open(node.id);
  expect("ws" in again).toBe(true);
  if ("ws" in again) again.ws.close();
  const audit = (await (await fetch(`${app.url}/api/v1/audit?action=terminal.session&limit=10`, { headers: { authorization: `Bearer ${token}` } })).json()) as AuditPage;
  expect(audit.items.some((r) => r.status === 429 && r.outcome === "failure")).toBe(true);
  expect(audit.items.some((r) => r.note === "idle timeout")).toBe(true);
});
