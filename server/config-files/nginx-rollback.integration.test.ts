import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment } from "../contracts/environment";
import { api, SessionClient } from "../testing/api-client";
import { catFile, createEnv, deleteEnv, files, startedAt, waitTask } from "./test-helpers";

/**
 * Issue 4 against the real engine (nginx-php x2 + redis): a balancer nginx.conf and a redis.conf
 * that fail their checks are refused without touching the node; a site that passes `nginx -t` but
 * breaks the health check (wrong listen port) is rolled back automatically after the restart.
 */

const SITE = "/etc/nginx/sites-available/default";
const client = api();
let env: Environment;

beforeAll(async () => {
  env = await createEnv(client, "cfg-nginx", "nginx-php", "redis");
});

afterAll(async () => {
  if (env) await deleteEnv(client, env.id);
});

const nodeBase = (role: string, ordinal = 1) => {
  const n = env.nodes.find((x) => x.role === role && x.ordinal === ordinal)!;
  return { node: n, api: files(client, `/api/v1/environments/${env.id}/nodes/${n.id}`) };
};

describe("config editor on nginx-php", () => {
  it("refuses a balancer nginx.conf that fails nginx -t, with nginx's message and line; nothing changes", async () => {
    const { node, api: lb } = nodeBase("balancer");
    const before = await lb.read("/etc/nginx/nginx.conf");
    expect(before.status).toBe(200);
    const started = await startedAt(node.containerId!);
    const broken = before.json.content.replace("server_tokens off;", "server_tokens off;\n    bogus_directive on;");
    const lineNo = broken.split("\n").findIndex((l) => l.includes("bogus_directive")) + 1;
    const r = await lb.save("/etc/nginx/nginx.conf", { content: broken, apply: "reload" });
    expect(r.status).toBe(422);
    expect(r.json.error?.code).toBe("invalid_config");
    expect(r.json.error?.message).toContain('unknown directive "bogus_directive"');
    expect(r.json.error?.message).toContain(`/etc/nginx/nginx.conf:${lineNo}`);
    expect(r.json.error?.details?.line).toBe(lineNo);
    expect(await catFile(node.containerId!, "/etc/nginx/nginx.conf")).toBe(before.json.content);
    expect(await startedAt(node.containerId!)).toBe(started);
    // Staged copies are cleaned up: nothing but the live files is left in /etc/nginx.
    expect(await catFile(node.containerId!, "/etc/nginx/").catch(() => "")).not.toContain(".phleet-check");
    // The Phleet-managed upstream can be read but not saved.
    const up = await lb.read("/etc/nginx/phleet-upstream.conf");
    expect(up.json.entry.readOnly).toBe(true);
    expect((await lb.save("/etc/nginx/phleet-upstream.conf", { content: up.json.content + "\n" })).status).toBe(409);
  });

  it("refuses a redis.conf with a bad directive, with redis's line", async () => {
    const { node, api: store } = nodeBase("session");
    const before = await store.read("/etc/redis/redis.conf");
    const started = await startedAt(node.containerId!);
    const r = await store.save("/etc/redis/redis.conf", { content: `${before.json.content}not-a-directive 1 2\n`, apply: "restart" });
    expect(r.status).toBe(422);
    expect(r.json.error?.message).toMatch(/Bad directive/);
    expect(r.json.error?.details?.line).toBe(before.json.content.split("\n").length);
    expect(await catFile(node.containerId!, "/etc/redis/redis.conf")).toBe(before.json.content);
    expect(await startedAt(node.containerId!)).toBe(started);
  });

  it("rolls back a site that passes nginx -t but leaves the node unhealthy, and the node serves again", async () => {
    const { node, api: app } = nodeBase("app", 1);
    const before = await app.read(SITE);
    const broken = before.json.content.replace("listen 80 default_server;", "listen 8080 default_server;");
    expect(broken).not.toBe(before.json.content);
    const started = await startedAt(node.containerId!);

    const t0 = Date.now();
    const saved = await app.save(SITE, { content: broken, message: "move to 8080", apply: "restart", healthTimeoutMs: 20_000 });
    expect(saved.status, JSON.stringify(saved.json)).toBe(202);
    // Meanwhile the environment keeps serving through the other app server.
    const s = new SessionClient(env.url!);
    for (let i = 0; i < 5; i++) expect((await s.counter()).status).toBe(200);
    const task = await waitTask(client, env.id, saved.json.task!.id);
    console.log(`[cfg] failed restart + automatic rollback of ${node.hostname}: ${Date.now() - t0} ms`);

    expect(task.status).toBe("failed");
    expect(task.error).toContain("did not become healthy within 20 s");
    expect(task.error).toContain("Rolled back automatically");
    expect(task.steps.find((x) => x.key === "rollback")?.status).toBe("succeeded");
    expect(await catFile(node.containerId!, SITE)).toBe(before.json.content);
    expect(await startedAt(node.containerId!)).not.toBe(started);

    const after = (await client.get(env.id)).json.nodes.find((n) => n.id === node.id)!;
    expect(after.status).toBe("running");
    // The rolled-back node is back in rotation and answers through the balancer.
    const served = new Set<string>();
    const c = new SessionClient(env.url!);
    for (let i = 0; i < 8 && served.size < 2; i++) {
      const r = await c.counter();
      expect(r.status, r.body).toBe(200);
      served.add(r.reply!.node);
    }
    expect(served).toContain(node.hostname);

    const history = (await app.revisions(SITE)).json.items;
    expect(history.map((h) => [h.author, h.message?.slice(0, 20)])).toEqual([
      ["phleet", "Automatic rollback: "],
      ["api", "move to 8080"],
      ["phleet", "Original file, befor"],
    ]);
    expect(history[0]!.content).toBe(before.json.content);
    expect(history[1]!.content).toBe(broken);
  });
});
