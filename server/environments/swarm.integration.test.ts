import crypto from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Environment, EnvironmentNode } from "../contracts/environment";
import type { Host, HostList } from "../contracts/hosts";
import { api } from "../testing/api-client";
import { startApp, type TestApp } from "../testing/app-server";
import { SWARM_ENV_INSTANCE, subnetPoolOf } from "../testing/instances";
import { sleep, startLoad, until } from "../testing/load";
import { startSwarmLab, type LabHost, type SwarmLab } from "../testing/swarm-lab";
import { printServerWarnings } from "../testing/integration-setup";
import { sweepInstance } from "../testing/sweep";

/**
 * Issue 18 on a real 3-host Swarm (docker-in-docker, server/testing/swarm-lab.ts) driven by a real control plane
 * configured with PHLEET_SWARM_HOSTS: an environment's nodes are Swarm services spread over the hosts, and the
 * host running one app server and one memcached node is killed under a session load.
 *
 * Load goes to the balancer's port published on its lab host: a container this test created.
 */

const log = (line: string) => console.log(`[swarm] ${line}`);

let lab: SwarmLab | undefined;
let app: TestApp | undefined;
let client: ReturnType<typeof api>;
let env: Environment;

const byRole = (e: Environment, role: EnvironmentNode["role"]) => e.nodes.filter((n) => n.role === role);
const placement = (e: Environment) => e.nodes.map((n) => `${n.hostname}@${n.host ?? "?"}(${n.status})`).join(" ");

describe("environments on a 3-host Swarm", () => {
  beforeAll(async () => {
    lab = await startSwarmLab({ instance: SWARM_ENV_INSTANCE, log });
    const token = `sw_${crypto.randomBytes(16).toString("hex")}`;
    app = await startApp({
      PHLEET_INSTANCE: SWARM_ENV_INSTANCE,
      PHLEET_API_TOKEN: token,
      PHLEET_ADMIN_PASSWORD: "integration-pass",
      PHLEET_SUBNET_POOL: subnetPoolOf(SWARM_ENV_INSTANCE),
      PHLEET_SWARM_HOSTS: lab.swarmHostsSetting,
      PHLEET_REGISTRY: lab.registry.pull,
      PHLEET_REGISTRY_PUSH: lab.registry.push,
    });
    client = api(app.url, token);
  });

  afterAll(async () => {
    if (env) await client.call("DELETE", `/api/v1/environments/${env.id}`).catch(() => undefined);
    await app?.stop();
    if (app) printServerWarnings(path.join(app.dataDir, "server.log"), SWARM_ENV_INSTANCE);
    await sweepInstance(SWARM_ENV_INSTANCE);
  });

  test("2 app servers + 2 memcached + balancer: each layer spread over different hosts, sessions served through the balancer", async () => {
    const started = Date.now();
    const r = await client.create({ name: "it-swarm", appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 2 } });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    env = await client.waitSettled(r.json.id, 300_000);
    expect(env.status, env.error ?? "").toBe("running");
    log(`created in ${((Date.now() - started) / 1000).toFixed(1)} s (images pushed and pulled on first use): ${placement(env)}`);
    for (const role of ["app", "session"] as const) {
      const hosts = byRole(env, role).map((n) => n.host);
      expect(hosts.every(Boolean), placement(env)).toBe(true);
      expect(new Set(hosts).size, `${role} nodes on different hosts: ${placement(env)}`).toBe(hosts.length);
    }
    // save_path names the nodes, not their addresses: a moved task keeps its name.
    expect(env.session.savePath).toContain(byRole(env, "session")[0]!.hostname);
    expect(env.url, "the balancer's URL is on the host that publishes it").toMatch(/^http:\/\/10\./);
    const load = startLoad(env.url!, { sessions: 4, maxRequests: 200, maxMs: 60_000 });
    const report = await load.done();
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(200);
    expect(Object.keys(report.nodes).length, "both app servers answered").toBe(2);
  });

  test("the hosts API lists each host with the nodes it runs; a drained host empties under load with no failed request, and is activated again", async () => {
    expect(env?.status).toBe("running");
    const list = (await client.call("GET", "/api/v1/hosts")).json as HostList;
    expect(list.mode).toBe("swarm");
    expect(list.joinCommand, "the join token only when asked for").toBeNull();
    expect(list.hosts.map((h) => h.name).sort()).toEqual(["lab-1", "lab-2", "lab-3"]);
    for (const h of list.hosts) {
      expect(h.state).toBe("ready");
      expect(h.availability).toBe("active");
      expect(h.reachable).toBe(true);
      expect(h.nodes.map((n) => n.nodeId).sort()).toEqual(env.nodes.filter((n) => n.host === h.name).map((n) => n.id).sort());
    }
    const join = (await client.call("GET", "/api/v1/hosts?joinCommand=true")).json as HostList;
    expect(join.joinCommand).toMatch(/^docker swarm join --token SWMTKN-\S+ 10\.[\d.]+:2377$/);

    const balancerHost = byRole(env, "balancer")[0]!.host;
    const drained = list.hosts.find((h) => h.name !== balancerHost && h.nodes.length > 0)!;
    const load = startLoad(env.url!, { sessions: 6, maxRequests: 30_000, maxMs: 150_000 });
    await sleep(2000);
    const started = Date.now();
    const r = await client.call("POST", `/api/v1/hosts/${drained.id}/drain`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect((r.json as Host).availability).toBe("drain");
    await until(
      `${drained.name} empties and every node runs elsewhere`,
      async () => {
        const r = await client.get(env.id);
        if (r.status !== 200) return false;
        env = r.json;
        return env.nodes.every((n) => n.status === "running" && !!n.host && n.host !== drained.name);
      },
      120_000,
      1000,
    );
    const emptiedMs = Date.now() - started;
    await sleep(3000);
    const report = await load.stop();
    log(`drained ${drained.name} (${drained.nodes.map((n) => n.hostname).join(", ")}) in ${(emptiedMs / 1000).toFixed(1)} s: ${placement(env)}; ${report.requests} requests, ${report.failed} failed, ${report.resets} resets, ${report.stale} stale`);
    // Printed, not asserted yet (issue 18 is open on this point): 2-4 resets per drain before the host's nodes left
    // first (hosts/service.ts), 0 in the run after; more runs are needed before 0 is a promise. Asserted: the load
    // kept being served through the whole drain.
    expect(report.ok).toBeGreaterThan(report.requests * 0.9);
    const after = ((await client.call("GET", "/api/v1/hosts")).json as HostList).hosts.find((h) => h.id === drained.id)!;
    expect(after.nodes).toEqual([]);
    const activated = await client.call("POST", `/api/v1/hosts/${drained.id}/activate`);
    expect(activated.status).toBe(200);
    expect((activated.json as Host).availability).toBe("active");
  });

  test("the host of one app server and one memcached node dies under load: 0 session resets, the lost nodes run again elsewhere", async () => {
    expect(env?.status).toBe("running");
    env = (await client.get(env.id)).json;
    const balancerHost = byRole(env, "balancer")[0]!.host;
    const victimName = byRole(env, "app")
      .map((n) => n.host)
      .find((h) => h !== balancerHost && byRole(env, "session").some((s) => s.host === h));
    expect(victimName, `a host with an app server and a memcached node but not the balancer: ${placement(env)}`).toBeTruthy();
    const victim = lab!.hosts.find((h) => h.name === victimName) as LabHost;
    const lost = env.nodes.filter((n) => n.host === victimName).map((n) => n.id);

    const load = startLoad(env.url!, { sessions: 6, maxRequests: 30_000, maxMs: 150_000 });
    await sleep(3000);
    const killedAt = Date.now();
    await lab!.killHost(victim);
    log(`killed ${victim.name}, which ran ${env.nodes.filter((n) => n.host === victimName).map((n) => n.hostname).join(", ")}`);

    let now = env;
    await until(
      "every node runs again on a surviving host",
      async () => {
        const r = await client.get(env.id);
        if (r.status !== 200) return false; // the managers may be electing a new leader
        now = r.json;
        return now.nodes.every((n) => n.status === "running" && !!n.host && n.host !== victimName);
      },
      150_000,
      1000,
    );
    const servingAfterMs = Date.now() - killedAt;
    await sleep(5000);
    const report = await load.stop();
    log(
      `every node serving again ${(servingAfterMs / 1000).toFixed(1)} s after the kill: ${placement(now)}; ` +
        `${report.requests} requests, ${report.failed} failed, ${report.resets} resets, ${report.stale} stale`,
    );
    for (const id of lost) expect(now.nodes.find((n) => n.id === id)?.host).not.toBe(victimName);
    // Printed, not asserted yet (the goal is 0; issue 18 is open on this point): 1-4 resets in most runs before the
    // fixes of session-rejoin.ts and the Swarm runtime's gate, 0 in the two runs after; requests in flight on the
    // lost host can still fail (0-5 seen). Asserted: the load kept being served.
    if (report.failures.length) log(`failures: ${report.failures.slice(0, 5).join(" | ")}`);
    expect(report.ok).toBeGreaterThan(report.requests * 0.9);
    // Both memcached nodes hold every session again: a request after the re-admission keeps counting.
    const after = startLoad(env.url!, { sessions: 4, maxRequests: 100, maxMs: 30_000 });
    const afterReport = await after.done();
    expect(afterReport.failures).toEqual([]);
  });
});
