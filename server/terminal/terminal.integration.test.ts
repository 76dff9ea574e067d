import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { AuditPage } from "../contracts/audit";
import type { Environment } from "../contracts/environment";
import { api } from "../testing/api-client";

/**
 * Issue 14's terminal channel against the real server and engine: refused without a session, with a
 * foreign Origin and after sign-out; a real TTY (UTF-8, resize) otherwise; closed when the session ends;
 * start and end recorded in the audit trail.
 */

const client = api();
let env: Environment;
const ADMIN_PASSWORD = "integration-pass";

async function signIn(): Promise<string> {
  const r = await fetch(`${client.base}/api/v1/auth/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ password: ADMIN_PASSWORD }) });
  expect(r.status).toBe(200);
  return r.headers.get("set-cookie")!.split(";")[0]!;
}

const wsUrl = (nodeId: string) => `${client.base.replace(/^http/, "ws")}/api/v1/environments/${env.id}/nodes/${nodeId}/terminal`;

/** Opens the channel; resolves with the HTTP status of a refusal, or the open socket. */
function connect(nodeId: string, headers: Record<string, string>): Promise<{ refused: number } | { ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(nodeId), { headers });
    ws.once("unexpected-response", (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once("open", () => resolve({ ws }));
    ws.once("error", (e) => reject(e));
  });
}

/** Collects the terminal's output until `match` shows up (bounded). */
function until(ws: WebSocket, out: { text: string }, match: RegExp, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = setInterval(() => {
      if (match.test(out.text)) {
        clearInterval(tick);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(tick);
        reject(new Error(`no ${match} within ${timeoutMs} ms; got: ${JSON.stringify(out.text.slice(-400))}`));
      }
    }, 50);
  });
}

function attach(ws: WebSocket) {
  const out = { text: "", closed: null as null | { code: number; reason: string } };
  ws.on("message", (data, isBinary) => {
    if (isBinary) out.text += Buffer.from(data as Buffer).toString("utf8");
  });
  ws.on("close", (code, reason) => (out.closed = { code, reason: reason.toString() }));
  return out;
}

describe("web terminal", () => {
  beforeAll(async () => {
    const created = await client.create({ name: `term-${Date.now().toString(36)}`, appServer: { type: "nginx-php", count: 1 }, sessionStore: { type: "memcached", count: 1 } });
    expect(created.status).toBe(202);
    env = await client.waitSettled(created.json.id);
    expect(env.status, env.error ?? "").toBe("running");
  });

  afterAll(async () => {
    if (env) {
      await client.call("DELETE", `/api/v1/environments/${env.id}`);
      await client.waitGone(env.id);
    }
  });

  it("is refused without a session, with a foreign Origin, and with the API token alone", async () => {
    const node = env.nodes.find((n) => n.role === "app")!;
    const cookie = await signIn();
    expect(await connect(node.id, { origin: client.base })).toEqual({ refused: 401 });
    expect(await connect(node.id, { origin: "http://evil.example", cookie })).toEqual({ refused: 403 });
    expect(await connect(node.id, { cookie })).toEqual({ refused: 403 }); // no Origin at all
    expect(await connect(node.id, { origin: client.base, authorization: `Bearer ${client.token}` })).toEqual({ refused: 401 });
    const refused = await client.call("GET", `/api/v1/audit?action=terminal.session&outcome=failure&environmentId=${env.id}`);
    expect((refused.json as AuditPage).items.map((r) => r.status).sort()).toEqual([401, 401, 403, 403]);
  });

  it("runs a real TTY shell (UTF-8, resize), closes on sign-out, and is audited without keystrokes", async () => {
    const node = env.nodes.find((n) => n.role === "app")!;
    const cookie = await signIn();
    const c = await connect(node.id, { origin: client.base, cookie });
    if (!("ws" in c)) throw new Error(`refused with ${c.refused}`);
    const ws = c.ws;
    const out = attach(ws);
    ws.send(JSON.stringify({ type: "resize", cols: 123, rows: 37 }));
    ws.send(Buffer.from("tty; stty size; php -r 'echo \"h\\u{e9}llo-\", PHP_MAJOR_VERSION, \"\\n\";'\r"), { binary: true });
    await until(ws, out, /37 123/);
    await until(ws, out, /héllo-8/);
    expect(out.text).toMatch(/\/dev\/pts\/\d+/);
    // Resize again: the pseudo-terminal follows.
    ws.send(JSON.stringify({ type: "resize", cols: 90, rows: 20 }));
    await new Promise((r) => setTimeout(r, 300));
    ws.send(Buffer.from("stty size\r"), { binary: true });
    await until(ws, out, /20 90/);

    const open = await client.call("GET", `/api/v1/audit?action=terminal.session&outcome=running&environmentId=${env.id}`);
    const rec = (open.json as AuditPage).items[0]!;
    expect(rec.nodeId).toBe(node.id);
    expect(rec.actor.kind).toBe("session");
    expect(rec.target).toBe(`node ${node.hostname} of environment ${env.name}`);

    // Sign out with this session: the server closes the terminal.
    const signOut = await fetch(`${client.base}/api/v1/auth/session`, { method: "DELETE", headers: { cookie, origin: client.base } });
    expect(signOut.status).toBe(200);
    const deadline = Date.now() + 5000;
    while (!out.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out.closed?.code).toBe(4401);
    // And the same cookie cannot open a new one.
    expect(await connect(node.id, { origin: client.base, cookie })).toEqual({ refused: 401 });

    await new Promise((r) => setTimeout(r, 300));
    const done = await client.call("GET", `/api/v1/audit?action=terminal.session&environmentId=${env.id}&limit=50`);
    const closed = (done.json as AuditPage).items.find((r) => r.id === rec.id)!;
    expect(closed.outcome).toBe("success");
    expect(closed.endedAt).not.toBeNull();
    expect(closed.note).toBe("signed out");
    expect(JSON.stringify(closed)).not.toContain("stty");
  });
});
