import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment } from "../contracts/environment";
import { createEnv, deleteEnv, files, waitTask } from "../config-files/test-helpers";
import { api, SessionClient } from "../testing/api-client";
import { until } from "../testing/load";

/**
 * Issue 10 against the real engine and PHP: a layer's saved php.ini reaches nodes that did not exist when it
 * was saved (scaled in, rebuilt by reconciliation), and a second conflicting operation is refused with 409
 * while the first runs, for each pair a user can trigger.
 */

const PHP_INI = "/etc/php/8.2/fpm/php.ini";
const client = api();
const docker = new Docker();
let env: Environment;

beforeAll(async () => {
  env = await createEnv(client, "layer-state", "nginx-php", "memcached");
});

afterAll(async () => {
  if (env) await deleteEnv(client, env.id);
});

/** Fresh sessions through the balancer until `hostname` answers; the session cookie's name it set (bounded). */
async function cookieNameFrom(hostname: string): Promise<string[]> {
  for (let i = 0; i < 40; i++) {
    const s = new SessionClient(env.url!);
    const r = await s.counter();
    expect(r.status, r.body).toBe(200);
    if (r.reply!.node === hostname) return s.cookieNames();
  }
  throw new Error(`${hostname} never answered through the balancer`);
}

const hostnames = (e: Environment) => e.nodes.filter((n) => n.role === "app").map((n) => n.hostname).sort();

describe("a layer's saved files reach every node (nginx-php)", () => {
  it("a node added by scaling, and one rebuilt by reconciliation, serve the saved php.ini", async () => {
    const layer = files(client, `/api/v1/environments/${env.id}/layers/app`);
    const file = await layer.read(PHP_INI);
    const saved = await layer.save(PHP_INI, { content: file.json.content.replace(/^session\.name = PHPSESSID$/m, "session.name = LAYERSID"), apply: "reload" });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    for (const h of hostnames(env)) expect(await cookieNameFrom(h)).toEqual(["LAYERSID"]);

    // Scale 2 -> 3: the new node never had the file written by the save.
    const scaled = await client.call("PATCH", `/api/v1/environments/${env.id}`, { appServer: { count: 3 } });
    expect(scaled.status, JSON.stringify(scaled.json)).toBe(202);
    const task = await waitTask(client, env.id, (scaled.json as Environment).task!.id);
    expect(task.status, JSON.stringify(task)).toBe("succeeded");
    env = (await client.get(env.id)).json;
    const added = env.nodes.find((n) => n.role === "app" && n.ordinal === 3)!;
    expect(await cookieNameFrom(added.hostname)).toEqual(["LAYERSID"]);

    // Remove the first app server's container behind Phleet's back: reconciliation rebuilds it with the file.
    const first = env.nodes.find((n) => n.role === "app" && n.ordinal === 1)!;
    await docker.getContainer(first.containerId!).remove({ force: true });
    const report = await client.call("POST", "/api/v1/reconcile");
    expect(report.status).toBe(200);
    await until("the rebuilt app server runs", async () => {
      const e = (await client.get(env.id)).json;
      const n = e.nodes.find((x) => x.id === first.id);
      return !!n && n.status === "running" && n.containerId !== first.containerId;
    });
    expect(await cookieNameFrom(first.hostname)).toEqual(["LAYERSID"]);
  });
});

describe("one operation at a time", () => {
  const body = (e: unknown) => JSON.stringify(e);

  it("scale and save, save and restart, delete and anything: the second is refused with 409 naming the first", async () => {
    env = (await client.get(env.id)).json;
    const base = `/api/v1/environments/${env.id}`;
    const layer = files(client, `${base}/layers/app`);
    const app = env.nodes.find((n) => n.role === "app")!;
    const current = (await layer.read(PHP_INI)).json;

    // A rolling restart (a save applied by restart) is under way: scaling, saving and a node action are refused.
    const restart = await layer.save(PHP_INI, { content: current.content.replace("LAYERSID", "OTHERSID"), apply: "restart", healthTimeoutMs: 90_000 });
    expect(restart.status, body(restart.json)).toBe(202);
    const scale = await client.call("PATCH", base, { appServer: { count: 2 } });
    expect(scale.status, body(scale.json)).toBe(409);
    expect(body(scale.json)).toMatch(/saving php\.ini/);
    const save = await layer.save(PHP_INI, { content: current.content });
    expect(save.status, body(save.json)).toBe(409);
    const action = await client.nodeAction(env.id, app.id, "restart");
    expect(action.status, body(action.json)).toBe(409);
    const del = await client.call("DELETE", base);
    expect(del.status, body(del.json)).toBe(409);
    expect((await waitTask(client, env.id, restart.json.task!.id)).status).toBe("succeeded");

    // A scale is under way: a save is refused.
    const scaling = await client.call("PATCH", base, { appServer: { count: 2 } });
    expect(scaling.status, body(scaling.json)).toBe(202);
    const during = await layer.save(PHP_INI, { content: current.content });
    expect(during.status, body(during.json)).toBe(409);
    expect(body(during.json)).toMatch(/scaling the app layer/);
    expect((await waitTask(client, env.id, (scaling.json as Environment).task!.id)).status).toBe("succeeded");

    // A deletion is under way: everything else is refused (the environment is recreated by afterAll's delete being a no-op).
    const deleting = await client.call("DELETE", base);
    expect(deleting.status, body(deleting.json)).toBe(202);
    const afterDelete = [
      await client.call("PATCH", base, { appServer: { count: 3 } }),
      await layer.save(PHP_INI, { content: current.content }),
      await client.nodeAction(env.id, app.id, "stop"),
    ];
    for (const r of afterDelete) expect(r.status, body(r.json)).toBe(409);
    await client.waitGone(env.id);
    env = undefined as unknown as Environment;
  });
});
