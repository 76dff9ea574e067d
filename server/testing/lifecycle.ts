import Docker from "dockerode";
import { expect } from "vitest";
import type { Environment } from "../contracts/environment";
import { api, SessionClient } from "./api-client";

/**
 * Issue 2's acceptance, for one stack, against the real engine and real PHP: create through the API,
 * one session across both app servers, stop the node that served the last request and keep the
 * session, fixed IPs across a restart, then delete and find nothing left.
 */
export async function clusterLifecycle(name: string, appType: "apache-php" | "nginx-php", storeType: "memcached" | "redis") {
  const client = api();
  const docker = new Docker();
  const created = await client.create({
    name,
    appServer: { type: appType, count: 2 },
    sessionStore: { type: storeType, count: 1 },
    loadBalancer: { type: "nginx" },
  });
  expect(created.status).toBe(202);
  expect(created.json.status).toBe("creating");
  expect(created.json.task?.steps.length).toBeGreaterThan(0);
  const id = created.json.id;

  try {
    // Duplicate names are refused while the first one exists, and nothing new is created.
    const dup = await client.create({ name, appServer: { type: appType, count: 1 }, sessionStore: { type: storeType, count: 1 } });
    expect(dup.status).toBe(409);

    const env: Environment = await client.waitSettled(id);
    expect(env.status, `${env.error ?? ""} ${JSON.stringify(env.task?.steps)}`).toBe("running");
    expect(env.task?.status).toBe("succeeded");
    expect(env.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const apps = env.nodes.filter((n) => n.role === "app");
    const store = env.nodes.find((n) => n.role === "session")!;
    expect(apps).toHaveLength(2);

    // Each node's ip is its container's address on the environment network.
    for (const node of env.nodes) {
      const info = await docker.getContainer(node.containerId!).inspect();
      const nets = Object.values(info.NetworkSettings.Networks);
      expect(nets).toHaveLength(1);
      expect(nets[0]!.IPAddress).toBe(node.ip);
      expect(info.Config.Hostname).toBe(node.hostname);
    }
    expect(env.session.saveHandler).toBe(storeType);
    expect(env.session.savePath).toContain(store.ip);
    expect(env.session.savePath).toBe(storeType === "memcached" ? `${store.ip}:11211` : `tcp://${store.ip}:6379?auth[]=phleet&auth[]=********&timeout=1&read_timeout=2&persistent=1`); // password masked (issue 15)

    // One cookie jar, ten requests: both app servers serve, the session's counter goes 1..10.
    const session = new SessionClient(env.url!);
    const served = new Set<string>();
    let sessionId = "";
    let lastNode = "";
    for (let i = 1; i <= 10; i++) {
      const r = await session.counter();
      expect(r.status, r.body).toBe(200);
      expect(r.reply!.visits).toBe(i);
      if (i === 1) sessionId = r.reply!.session_id;
      expect(r.reply!.session_id).toBe(sessionId);
      served.add(r.reply!.node);
      lastNode = r.reply!.node;
    }
    expect([...served].sort()).toEqual(apps.map((a) => a.hostname).sort());

    // Stop the node that served the last request: the next five still answer, quickly, same session.
    const victim = apps.find((a) => a.hostname === lastNode)!;
    const stopped = await client.nodeAction(id, victim.id, "stop");
    expect(stopped.status).toBe(200);
    expect(stopped.json.status).toBe("stopped");
    for (let i = 11; i <= 15; i++) {
      const r = await session.counter();
      expect(r.status, r.body).toBe(200);
      expect(r.ms).toBeLessThan(2000);
      expect(r.reply!.visits).toBe(i);
      expect(r.reply!.session_id).toBe(sessionId);
      expect(r.reply!.node).not.toBe(victim.hostname);
    }

    // Start it again, and restart the session node: every IP stays the same.
    expect((await client.nodeAction(id, victim.id, "start")).status).toBe(200);
    const restarted = await client.nodeAction(id, store.id, "restart");
    expect(restarted.status).toBe(200);
    const after = (await client.get(id)).json;
    for (const node of after.nodes) {
      const info = await docker.getContainer(node.containerId!).inspect();
      expect(Object.values(info.NetworkSettings.Networks)[0]!.IPAddress).toBe(node.ip);
      expect(node.ip).toBe(env.nodes.find((n) => n.id === node.id)!.ip);
    }
  } finally {
    const del = await client.call("DELETE", `/api/v1/environments/${id}`);
    expect(del.status).toBe(202);
    await client.waitGone(id);
    const label = { label: [`phleet.environment=${id}`] };
    expect(await docker.listContainers({ all: true, filters: label })).toHaveLength(0);
    expect(await docker.listNetworks({ filters: label })).toHaveLength(0);
  }
}
