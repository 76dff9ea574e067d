import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Environment } from "../contracts/environment";
import { api } from "../testing/api-client";
import { catFile, files, startedAt, waitTask } from "../config-files/test-helpers";
import { appServerKillUnderLoad, createRunning, deleteAndWait, execIn, parallelRequestsOnOneSession } from "../testing/faults";
import { sleep, startLoad, until } from "../testing/load";

/**
 * Issue 17: the HAProxy balancer under issue 6's fault suite, on {apache-php x2, memcached x2, haproxy}: the
 * same loads and the same assertions as the NGINX balancer (0 failed requests, 0 session resets), plus what is
 * HAProxy's own: servers added and taken out at run time without a reload, and haproxy.cfg in the config editor.
 */
describe("high availability behind the HAProxy balancer", () => {
  const client = api();
  let env: Environment;
  const refresh = async () => (env = (await client.get(env.id)).json);
  const balancer = () => env.nodes.find((n) => n.role === "balancer")!;
  /** HAProxy's own view of the app backend: "name status" per server. */
  const servers = async () =>
    (await execIn(balancer().containerId!, ["sh", "-c", 'echo "show stat" | socat stdio unix-connect:/run/haproxy/admin.sock']))
      .split("\n")
      .filter((l) => l.startsWith("phleet_app,") && !l.startsWith("phleet_app,BACKEND"))
      .map((l) => ({ name: l.split(",")[1]!, status: l.split(",")[17]! }));
  const haproxyPids = async () => (await execIn(balancer().containerId!, ["sh", "-c", "pgrep -x haproxy | sort | tr '\\n' ' '"])).trim();

  beforeAll(async () => {
    env = await createRunning({
      name: "it-ha-hx",
      appServer: { type: "apache-php", count: 2 },
      sessionStore: { type: "memcached", count: 2 },
      loadBalancer: { type: "haproxy" },
    });
  });
  afterAll(() => deleteAndWait(env));

  test("created with the HAProxy balancer; HTTPS is refused with the reason", async () => {
    expect(env.topology.loadBalancer.type).toBe("haproxy");
    expect(balancer().type).toBe("haproxy");
    expect(env.httpsUrl).toBeNull();
    const res = await fetch(`${env.url}/counter.php`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-phleet-upstream")).toMatch(/^\d+\.\d+\.\d+\.\d+:80$/);
    const https = await client.call("PUT", `/api/v1/environments/${env.id}/https`, { forceHttps: true });
    expect(https.status).toBe(409);
    expect((https.json as { error: { code: string; message: string } }).error).toMatchObject({ code: "https_unavailable", message: expect.stringMatching(/HAProxy balancer does not terminate HTTPS/) });
  });

  test("engine kill -9 of an app server: no failed GET, no counter reset; Phleet starts it again", () => appServerKillUnderLoad(env));

  test("10 parallel requests on one session: the counter ends exactly 10 higher", () => parallelRequestsOnOneSession(env));

  test("scaling 2 -> 4 -> 2 under load: no failed request, servers changed at run time without a reload", async () => {
    const pidsBefore = await haproxyPids();
    const load = startLoad(env.url!, { sessions: 6, maxMs: 150_000 });
    await sleep(1000);
    for (const count of [4, 2]) {
      const r = await client.call("PATCH", `/api/v1/environments/${env.id}`, { appServer: { count } });
      expect(r.status).toBe(202);
      await until(`scaled to ${count}`, async () => {
        await refresh();
        return env.task?.kind === "environment.scale" && env.task.status !== "running" && env.task.status !== "pending";
      }, 120_000);
      expect(env.task?.status, env.task?.error ?? "").toBe("succeeded");
      const apps = env.nodes.filter((n) => n.role === "app");
      expect(apps).toHaveLength(count);
      // In rotation: exactly the app servers of the environment; the ones scaled in wait in maintenance.
      const live = (await servers()).filter((s) => !s.status.startsWith("MAINT")).map((s) => s.name).sort();
      expect(live).toEqual(apps.map((a) => `${a.ip}:80`).sort());
      await sleep(2000);
    }
    const report = await load.stop();
    console.log(`[ha-haproxy] scaling 2 -> 4 -> 2: ${report.requests} requests, ${report.failed} failed, ${report.resets} resets, nodes ${JSON.stringify(report.nodes)}`);
    expect(report.failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.resets).toBe(0);
    expect(Object.keys(report.nodes).length).toBeGreaterThanOrEqual(3); // the new servers took traffic
    expect(await haproxyPids()).toBe(pidsBefore); // the same master and worker: no reload
    // The backend file follows, so a restart starts with the same servers.
    const file = await catFile(balancer().containerId!, "/etc/haproxy/phleet-backend.cfg");
    for (const a of env.nodes.filter((n) => n.role === "app")) expect(file).toContain(`server ${a.ip}:80 ${a.ip}:80 `);
    expect(file.match(/^\s+server /gm)).toHaveLength(2);
  });

  test("a rolling restart of the app layer under load: each server drained through the runtime API, no failed request", async () => {
    const load = startLoad(env.url!, { sessions: 6, maxMs: 120_000 });
    await sleep(1000);
    const r = await client.call("POST", `/api/v1/environments/${env.id}/layers/app/restart`);
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    const task = await waitTask(client, env.id, (r.json as { task: { id: string } }).task.id, 120_000);
    expect(task.status, task.error ?? "").toBe("succeeded");
    await sleep(1000);
    const report = await load.stop();
    console.log(`[ha-haproxy] rolling restart of 2 app servers: ${report.requests} requests, ${report.failed} failed, ${report.resets} resets`);
    expect(report.failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.resets).toBe(0);
    expect((await servers()).filter((s) => s.status.startsWith("UP"))).toHaveLength(2);
  });

  test("haproxy.cfg in the config editor: a bad line is refused with HAProxy's message and line; a good one reloads without a failed request", async () => {
    await refresh();
    const lb = files(client, `/api/v1/environments/${env.id}/nodes/${balancer().id}`);
    const path = "/etc/haproxy/haproxy.cfg";
    const before = await lb.read(path);
    expect(before.status).toBe(200);
    const started = await startedAt(balancer().containerId!);
    const broken = before.json.content.replace("    maxconn 4096", "    maxconn 4096\n    bogus-keyword on");
    const lineNo = broken.split("\n").findIndex((l) => l.includes("bogus-keyword")) + 1;
    const refused = await lb.save(path, { content: broken, apply: "reload" });
    expect(refused.status).toBe(422);
    expect(refused.json.error?.code).toBe("invalid_config");
    expect(refused.json.error?.message).toContain("bogus-keyword");
    expect(refused.json.error?.details?.line).toBe(lineNo);
    expect(await catFile(balancer().containerId!, path)).toBe(before.json.content);
    // The Phleet-managed backend can be read but not saved.
    const backend = await lb.read("/etc/haproxy/phleet-backend.cfg");
    expect(backend.json.entry.readOnly).toBe(true);

    const load = startLoad(env.url!, { sessions: 4, maxMs: 60_000 });
    await sleep(1000);
    const edited = before.json.content.replace("timeout client 30s", "timeout client 40s");
    expect(edited).not.toBe(before.json.content);
    const saved = await lb.save(path, { content: edited, apply: "reload", message: "longer client timeout" });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    await sleep(1500);
    const report = await load.stop();
    console.log(`[ha-haproxy] haproxy.cfg saved and reloaded under load: ${report.requests} requests, ${report.failed} failed`);
    expect(report.failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(await catFile(balancer().containerId!, path)).toBe(edited);
    expect(await startedAt(balancer().containerId!)).toBe(started); // reloaded, not restarted
  });
});
