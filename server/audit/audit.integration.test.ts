import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditPage, AuditRecord } from "../contracts/audit";
import type { Environment } from "../contracts/environment";
import { api } from "../testing/api-client";

/**
 * Issue 14: every mutating route writes exactly one audit record with the right actor, action,
 * target and outcome, when it succeeds and when it fails. The table below must name every mutating
 * route the app has: the first test reads app/api/v1 and fails on one that is missing.
 */

const client = api();
const ADMIN_PASSWORD = "integration-pass"; // server/testing/integration-setup.ts
const MUTATING = ["POST", "PUT", "PATCH", "DELETE"] as const;

/** Every "METHOD /template" of the app's route files (the catch-all for unknown paths aside). */
function mutatingRoutesOfApp(): string[] {
  const root = path.resolve(__dirname, "../../app/api/v1");
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === "route.ts") {
        const rel = path.relative(root, dir).split(path.sep);
        if (rel.some((s) => s.startsWith("[..."))) continue;
        const template = "/" + rel.map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
        const src = fs.readFileSync(full, "utf8");
        for (const m of MUTATING) if (new RegExp(`export const ${m}\\b|as ${m}\\b`).test(src)) out.push(`${m} ${template}`);
      }
    }
  };
  walk(root);
  return out.sort();
}

interface Call {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send as the dashboard: the session cookie and this Origin. */
  session?: boolean;
  origin?: string;
  noAuth?: boolean;
}

let cookie = "";

async function send(c: Call): Promise<{ status: number; json: unknown; setCookie: string | null }> {
  const headers: Record<string, string> = { ...(c.body !== undefined ? { "content-type": "application/json" } : {}), ...c.headers };
  if (c.session) {
    headers.cookie = cookie;
    headers.origin = c.origin ?? client.base;
  } else if (!c.noAuth) headers.authorization = `Bearer ${client.token}`;
  const res = await fetch(`${client.base}/api/v1${c.path}`, {
    method: c.method,
    headers,
    body: c.body === undefined ? undefined : typeof c.body === "string" ? c.body : JSON.stringify(c.body),
    redirect: "manual",
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, setCookie: res.headers.get("set-cookie") };
}

async function latest(limit = 20): Promise<AuditRecord[]> {
  const r = await client.call("GET", `/api/v1/audit?limit=${limit}`);
  expect(r.status).toBe(200);
  return (r.json as AuditPage).items;
}

/** Sends the call and returns the audit records it added (expected: exactly one). */
async function recordsOf(c: Call): Promise<{ res: Awaited<ReturnType<typeof send>>; added: AuditRecord[] }> {
  const before = new Set((await latest(50)).map((r) => r.id));
  const res = await send(c);
  const added = (await latest(50)).filter((r) => !before.has(r.id));
  return { res, added };
}

interface Case {
  route: string;
  name: string;
  call: () => Call;
  /** The status, or the statuses one of which it must be (an unknown environment: 404, or 422 when the body is checked first). */
  status: number | number[];
  action: string;
  actor: "token" | "session" | "anonymous";
  target: () => RegExp;
  revision?: boolean;
}

let env: Environment;
const app = () => env.nodes.find((n) => n.role === "app")!;
const store = () => env.nodes.find((n) => n.role === "session")!;
let phpIni = "";
const PHP_INI = "/etc/php/8.2/apache2/php.ini";

const CASES: Case[] = [
  // auth
  { route: "POST /auth/session", name: "wrong password", call: () => ({ method: "POST", path: "/auth/session", body: { password: "nope-nope" }, noAuth: true }), status: 401, action: "auth.sign-in", actor: "anonymous", target: () => /^phleet$/ },
  { route: "POST /auth/session", name: "signs in", call: () => ({ method: "POST", path: "/auth/session", body: { password: ADMIN_PASSWORD }, noAuth: true }), status: 200, action: "auth.sign-in", actor: "anonymous", target: () => /^phleet$/ },
  // environments
  { route: "POST /hosts/{hostId}/{action}", name: "drain, refused on a single engine", call: () => ({ method: "POST", path: "/hosts/some-host/drain" }), status: 409, action: "host.drain", actor: "token", target: () => /^phleet$/ },
  { route: "PUT /hosts/{hostId}/labels", name: "labels, refused on a single engine", call: () => ({ method: "PUT", path: "/hosts/some-host/labels", body: { labels: { zone: "eu-1a" } } }), status: 409, action: "host.labels", actor: "token", target: () => /^phleet$/ },
  { route: "POST /environments", name: "invalid body", call: () => ({ method: "POST", path: "/environments", body: { name: "Bad Name!" } }), status: 422, action: "environment.create", actor: "token", target: () => /^phleet$/ },
  { route: "POST /environments", name: "taken name, from the dashboard", call: () => ({ method: "POST", path: "/environments", body: { name: env.name, appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 } }, session: true }), status: 409, action: "environment.create", actor: "session", target: () => /^phleet$/ },
  { route: "PATCH /environments/{id}", name: "unknown environment", call: () => ({ method: "PATCH", path: "/environments/no-such-env", body: { appServer: { count: 2 } } }), status: 404, action: "environment.scale", actor: "token", target: () => /^environment no-such-env$/ },
  { route: "PATCH /environments/{id}", name: "count out of range", call: () => ({ method: "PATCH", path: `/environments/${env.id}`, body: { appServer: { count: 99 } } }), status: 422, action: "environment.scale", actor: "token", target: () => new RegExp(`^environment ${env.name}$`) },
  { route: "DELETE /environments/{id}", name: "unknown environment", call: () => ({ method: "DELETE", path: "/environments/no-such-env" }), status: 404, action: "environment.delete", actor: "token", target: () => /^environment no-such-env$/ },
  { route: "DELETE /environments/{id}", name: "cross-site request with a session", call: () => ({ method: "DELETE", path: `/environments/${env.id}`, session: true, origin: "http://evil.example" }), status: 403, action: "environment.delete", actor: "anonymous", target: () => new RegExp(`^environment ${env.name}$`) },
  // nodes
  { route: "POST /environments/{id}/nodes/{nodeId}/{action}", name: "restarts the app node", call: () => ({ method: "POST", path: `/environments/${env.id}/nodes/${app().id}/restart`, session: true }), status: 200, action: "node.restart", actor: "session", target: () => new RegExp(`^node ${app().hostname} of environment ${env.name}$`) },
  { route: "POST /environments/{id}/nodes/{nodeId}/{action}", name: "unknown node", call: () => ({ method: "POST", path: `/environments/${env.id}/nodes/no-such-node/stop` }), status: 404, action: "node.stop", actor: "token", target: () => new RegExp(`^node no-such-node of environment ${env.name}$`) },
  { route: "POST /environments/{id}/nodes/{nodeId}/{action}", name: "no token", call: () => ({ method: "POST", path: `/environments/${env.id}/nodes/${app().id}/stop`, noAuth: true }), status: 401, action: "node.stop", actor: "anonymous", target: () => new RegExp(`^node ${app().hostname} of environment ${env.name}$`) },
  // config files
  { route: "PUT /environments/{id}/nodes/{nodeId}/files", name: "saves php.ini (a revision)", call: () => ({ method: "PUT", path: `/environments/${env.id}/nodes/${app().id}/files?path=${PHP_INI}`, body: { content: `${phpIni}\n; audited\n`, apply: "none" } }), status: 200, action: "config.save", actor: "token", target: () => new RegExp(`^node ${app().hostname} of environment ${env.name}$`), revision: true },
  { route: "PUT /environments/{id}/nodes/{nodeId}/files", name: "no path", call: () => ({ method: "PUT", path: `/environments/${env.id}/nodes/${store().id}/files`, body: { content: "x" } }), status: 400, action: "config.save", actor: "token", target: () => new RegExp(`^node ${store().hostname} of environment ${env.name}$`) },
  { route: "POST /environments/{id}/nodes/{nodeId}/files/rollback", name: "unknown revision", call: () => ({ method: "POST", path: `/environments/${env.id}/nodes/${store().id}/files/rollback`, body: { path: "/etc/memcached.conf", revisionId: "no-such-revision" } }), status: 404, action: "config.rollback", actor: "token", target: () => new RegExp(`^node ${store().hostname} of environment ${env.name}$`) },
  { route: "PUT /environments/{id}/layers/{layer}/files", name: "body is not JSON", call: () => ({ method: "PUT", path: `/environments/${env.id}/layers/session/files?path=/etc/memcached.conf`, body: "{not json" }), status: 400, action: "config.save", actor: "token", target: () => new RegExp(`^session layer of environment ${env.name}$`) },
  { route: "POST /environments/{id}/layers/{layer}/files/rollback", name: "missing fields", call: () => ({ method: "POST", path: `/environments/${env.id}/layers/app/files/rollback`, body: {} }), status: 422, action: "config.rollback", actor: "token", target: () => new RegExp(`^app layer of environment ${env.name}$`) },
  { route: "POST /environments/{id}/layers/{layer}/restart", name: "unknown layer", call: () => ({ method: "POST", path: `/environments/${env.id}/layers/nope/restart` }), status: 404, action: "layer.restart", actor: "token", target: () => new RegExp(`^nope layer of environment ${env.name}$`) },
  // traffic, reconcile
  { route: "POST /environments/{id}/traffic", name: "too many requests asked", call: () => ({ method: "POST", path: `/environments/${env.id}/traffic`, body: { requests: 10_000_000 } }), status: 422, action: "traffic.send", actor: "token", target: () => new RegExp(`^environment ${env.name}$`) },
  { route: "POST /environments/{id}/traffic", name: "sends a little traffic", call: () => ({ method: "POST", path: `/environments/${env.id}/traffic`, body: { requests: 5, ratePerSecond: 5 } }), status: 202, action: "traffic.send", actor: "token", target: () => new RegExp(`^environment ${env.name}$`) },
  { route: "POST /reconcile", name: "reconciles", call: () => ({ method: "POST", path: "/reconcile" }), status: 200, action: "reconcile", actor: "token", target: () => /^phleet$/ },
  // the routes of deployments, databases, HTTPS, limits and environment actions, refused for an unknown environment
  ...(
    [
      ["POST /environments/{id}/stop", "POST", "/stop", "environment.stop", undefined],
      ["POST /environments/{id}/start", "POST", "/start", "environment.start", undefined],
      ["POST /environments/{id}/restart", "POST", "/restart", "environment.restart", undefined],
      ["PUT /environments/{id}/layers/{layer}/limits", "PUT", "/layers/app/limits", "limits.change", { memoryMb: 256, cpus: 1, pids: 256 }],
      ["POST /environments/{id}/deployments", "POST", "/deployments", "deployment.create", { git: { url: "https://example.invalid/x.git" } }],
      ["POST /environments/{id}/deployments/{deploymentId}/activate", "POST", "/deployments/no-such-release/activate", "deployment.activate", undefined],
      ["PUT /environments/{id}/deployment-settings", "PUT", "/deployment-settings", "deployment.settings", { healthPath: "/" }],
      ["PUT /environments/{id}/variables", "PUT", "/variables", "variables.change", { variables: [] }],
      ["PUT /environments/{id}/domains", "PUT", "/domains", "domains.change", { domains: [] }],
      ["PUT /environments/{id}/certificate", "PUT", "/certificate", "certificate.change", { acme: true }],
      ["POST /environments/{id}/certificate/renew", "POST", "/certificate/renew", "certificate.renew", undefined],
      ["PUT /environments/{id}/https", "PUT", "/https", "https.options", { forceHttps: false, hsts: false }],
      ["POST /environments/{id}/database/backups", "POST", "/database/backups", "database.backup", undefined],
      ["POST /environments/{id}/database/backups/{backupId}/restore", "POST", "/database/backups/no-such-backup/restore", "database.restore", undefined],
      ["PUT /environments/{id}/database/backup-schedule", "PUT", "/database/backup-schedule", "database.backup-schedule", { daily: true, hourUtc: 3, retention: 7 }],
    ] as const
  ).map(([route, method, tail, action, body]): Case => ({
    route,
    name: "unknown environment",
    call: () => ({ method, path: `/environments/no-such-env${tail}`, body }),
    status: [404, 422],
    action,
    actor: "token",
    target: () => /no-such-env/,
  })),
  // last: the session ends
  { route: "DELETE /auth/session", name: "signs out", call: () => ({ method: "DELETE", path: "/auth/session", session: true }), status: 200, action: "auth.sign-out", actor: "session", target: () => /^phleet$/ },
];

describe("audit trail", () => {
  beforeAll(async () => {
    const created = await client.create({ name: `audit-${Date.now().toString(36)}`, appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 } });
    expect(created.status).toBe(202);
    env = await client.waitSettled(created.json.id);
    expect(env.status, env.error ?? "").toBe("running");
    const file = await client.call("GET", `/api/v1/environments/${env.id}/nodes/${app().id}/files?path=${PHP_INI}`);
    expect(file.status).toBe(200);
    phpIni = (file.json as { content: string }).content;
    const signIn = await send({ method: "POST", path: "/auth/session", body: { password: ADMIN_PASSWORD }, noAuth: true });
    cookie = signIn.setCookie!.split(";")[0]!;
  });

  afterAll(async () => {
    if (env) {
      await client.call("DELETE", `/api/v1/environments/${env.id}`);
      await client.waitGone(env.id);
    }
  });

  it("the OpenAPI document describes the audit trail, the logs and the terminal channel", async () => {
    const doc = (await client.call("GET", "/api/v1/openapi.json")).json as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/audit", "/api/v1/environments/{id}/nodes/{nodeId}/logs", "/api/v1/environments/{id}/layers/{layer}/logs", "/api/v1/environments/{id}/nodes/{nodeId}/terminal"]),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["AuditRecord", "AuditPage", "LogPage", "LogEntry"]));
  });

  it("the table names every mutating route of the app", () => {
    const inTable = new Set(CASES.map((c) => c.route));
    expect(mutatingRoutesOfApp().filter((r) => !inTable.has(r))).toEqual([]);
  });

  for (const c of CASES) {
    it(`${c.route}: ${c.name} -> one record`, async () => {
      const { res, added } = await recordsOf(c.call());
      if (Array.isArray(c.status)) expect(c.status, JSON.stringify(res.json)).toContain(res.status);
      else expect(res.status, JSON.stringify(res.json)).toBe(c.status);
      expect(added, JSON.stringify(added)).toHaveLength(1);
      const r = added[0]!;
      expect(r.action).toBe(c.action);
      expect(r.actor.kind).toBe(c.actor);
      if (c.actor === "session") expect(r.actor.ref).toMatch(/^[0-9a-f]{12}$/);
      expect(r.target).toMatch(c.target());
      expect(r.outcome).toBe(res.status < 400 ? "success" : "failure");
      expect(r.status).toBe(res.status);
      if (res.status >= 400) expect(r.error?.code).toBe((res.json as { error: { code: string } }).error.code);
      else expect(r.error).toBeNull();
      if (c.revision) expect(r.revisionId).toBe((res.json as { revision: { id: string } }).revision.id);
    });
  }

  it("a successful create and delete are recorded with the environment as target", async () => {
    const name = `audit2-${Date.now().toString(36)}`;
    const { res, added } = await recordsOf({ method: "POST", path: "/environments", body: { name, appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 } } });
    expect(res.status).toBe(202);
    const id = (res.json as Environment).id;
    expect(added.map((r) => [r.action, r.outcome, r.environmentId, r.target])).toEqual([["environment.create", "success", id, `environment ${name}`]]);
    await client.waitSettled(id);
    const del = await recordsOf({ method: "DELETE", path: `/environments/${id}` });
    expect(del.res.status).toBe(202);
    expect(del.added.map((r) => [r.action, r.outcome, r.environmentId, r.target])).toEqual([["environment.delete", "success", id, `environment ${name}`]]);
    await client.waitGone(id);
  });

  it("filters by environment, action, outcome and time, and pages with a cursor", async () => {
    const q = async (qs: string) => {
      const r = await client.call("GET", `/api/v1/audit?${qs}`);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      return r.json as AuditPage;
    };
    const mine = await q(`environmentId=${env.id}&limit=200`);
    expect(mine.items.length).toBeGreaterThanOrEqual(10);
    expect(mine.items.every((r) => r.environmentId === env.id)).toBe(true);
    const failed = await q(`environmentId=${env.id}&outcome=failure&limit=200`);
    expect(failed.items.length).toBeGreaterThan(0);
    expect(failed.items.every((r) => r.outcome === "failure")).toBe(true);
    const saves = await q("action=config.save&limit=200");
    expect(saves.items.every((r) => r.action === "config.save")).toBe(true);
    expect(saves.items.some((r) => r.revisionId)).toBe(true);
    const future = await q(`from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    expect(future.items).toEqual([]);
    // Pages of 3 walk the same records as one page, newest first, without repeats.
    const all = (await q(`environmentId=${env.id}&limit=200`)).items.map((r) => r.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const p: AuditPage = await q(`environmentId=${env.id}&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      paged.push(...p.items.map((r) => r.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    // Bad filters are a 4xx that says what was wrong.
    expect((await client.call("GET", "/api/v1/audit?outcome=maybe")).status).toBe(422);
    expect((await client.call("GET", "/api/v1/audit?from=yesterday")).status).toBe(422);
    expect((await client.call("GET", "/api/v1/audit?cursor=nope")).status).toBe(400);
    // Reading the trail is not an action: it records nothing.
    const before = (await latest(1))[0]!.id;
    await client.call("GET", "/api/v1/audit");
    expect((await latest(1))[0]!.id).toBe(before);
  });
});
