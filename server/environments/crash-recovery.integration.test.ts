import Docker from "dockerode";
import { expect, test } from "vitest";
import type { Environment } from "../contracts/environment";
import { startApp } from "../testing/app-server";
import { until } from "../testing/load";
import { CRASH_INSTANCE, subnetPoolOf } from "../testing/instances";
import { sweepInstance } from "../testing/sweep";

/**
 * The control plane is killed (kill -9) in the middle of creating an environment, then started on the
 * same database: the environment ends running or failed, and no container is left that it does not know.
 */
test("control plane killed mid-creation: on restart the environment ends running or failed, with no orphan", async () => {
  const instance = CRASH_INSTANCE;
  const docker = new Docker();
  await sweepInstance(instance);
  const env = { PHLEET_INSTANCE: instance, PHLEET_API_TOKEN: "crash-test-token-0123456789", PHLEET_SUBNET_POOL: subnetPoolOf(instance) };
  const headers = { authorization: `Bearer ${env.PHLEET_API_TOKEN}`, "content-type": "application/json" };
  let app = await startApp(env);
  try {
    const created = await fetch(`${app.url}/api/v1/environments`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "it-crash", appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 1 } }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as Environment;
    // Kill it once the app servers are being started: containers exist, the environment is half-built.
    await until("the app server step is under way", async () => {
      const e = (await (await fetch(`${app.url}/api/v1/environments/${id}`, { headers })).json()) as Environment;
      return e.task?.steps.some((s) => s.key === "app" && s.status === "running") ?? false;
    }, 120_000, 100);
    await app.kill();
    const half = await docker.listContainers({ all: true, filters: { label: [`phleet.instance=${instance}`] } });
    expect(half.length).toBeGreaterThan(0);

    app = await startApp(env, { dataDir: app.dataDir });
    let final: Environment | undefined;
    await until("the environment settles after the restart", async () => {
      const r = await fetch(`${app.url}/api/v1/environments/${id}`, { headers });
      final = (await r.json()) as Environment;
      return final.status === "running" || final.status === "failed";
    }, 180_000, 1000);
    expect(["running", "failed"]).toContain(final!.status);

    // Every labelled container belongs to a node the database knows, and every node of a running one has its container.
    const known = new Set(final!.nodes.map((n) => n.id));
    const containers = await docker.listContainers({ all: true, filters: { label: [`phleet.instance=${instance}`] } });
    for (const c of containers) expect(known.has(c.Labels["phleet.node"]!), `orphan ${c.Names[0]}`).toBe(true);
    if (final!.status === "running") {
      expect(containers).toHaveLength(final!.nodes.length);
      expect(final!.nodes.every((n) => n.status === "running")).toBe(true);
    } else {
      expect(containers).toHaveLength(0);
    }
  } finally {
    await app.stop();
    await sweepInstance(instance);
  }
});
