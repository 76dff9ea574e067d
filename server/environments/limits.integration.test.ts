import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Environment } from "../contracts/environment";
import type { LayerLimits } from "../contracts/limits";
import { api, SessionClient } from "../testing/api-client";
import { execIn } from "../testing/docker-exec";
import { nodeKind } from "../node-kinds";

/**
 * Issue 15, finding 7: nodes run with less power (no NET_RAW, no new privileges) and with resource limits per
 * layer, editable through the API and applied to running containers in place. A memory-hungry PHP request is
 * stopped by its node's limit while the environment keeps serving. Real engine, real Apache + PHP.
 */

const docker = new Docker();
let env: Environment;
const MB = 1024 * 1024;
const apps = () => env.nodes.filter((n) => n.role === "app");
const limitsPath = (layer: string) => `/api/v1/environments/${env.id}/layers/${layer}/limits`;
// Allocates N MB with PHP's own memory_limit off: only the container's limit can stop it.
const HOG = `<?php ini_set("memory_limit", "-1"); $a = []; for ($i = 0; $i < (int) ($_GET["mb"] ?? 0); $i++) { $a[] = str_repeat("x", 1048576); } echo "allocated ", count($a), " MB\\n";`;

beforeAll(async () => {
  const client = api();
  const created = await client.create({ name: "it-limits", appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 1 }, loadBalancer: { type: "nginx" } });
  expect(created.status).toBe(202);
  env = await client.waitSettled(created.json.id);
  expect(env.status, env.error ?? "").toBe("running");
  for (const n of apps()) {
    const r = await execIn(n.containerId!, ["sh", "-c", 'printf "%s" "$1" > /var/www/html/hog.php && chmod 644 /var/www/html/hog.php', "sh", HOG], "root");
    expect(r.exitCode, r.output).toBe(0);
  }
});

afterAll(async () => {
  if (!env) return;
  const client = api();
  await client.call("DELETE", `/api/v1/environments/${env.id}`);
  await client.waitGone(env.id).catch(() => undefined);
});

const hostConfig = async (id: string) => (await docker.getContainer(id).inspect()).HostConfig;

describe("every node runs hardened, with its kind's default limits", () => {
  test.each([
    ["app", "apache-php"],
    ["session", "memcached"],
    ["balancer", "nginx"],
  ])("%s layer (%s)", async (layer, kind) => {
    const r = await api().call("GET", limitsPath(layer));
    expect(r.status).toBe(200);
    const view = r.json as LayerLimits;
    expect(view.limits).toEqual(nodeKind(kind).limits);
    expect(view.custom).toBe(false);
    for (const n of env.nodes.filter((x) => x.role === layer)) {
      const hc = await hostConfig(n.containerId!);
      expect(hc.Memory).toBe(nodeKind(kind).limits.memoryMb * MB);
      expect(hc.NanoCpus).toBe(nodeKind(kind).limits.cpus * 1e9);
      expect(hc.PidsLimit).toBe(nodeKind(kind).limits.pids);
      expect(hc.CapDrop).toEqual(expect.arrayContaining(["NET_RAW", "MKNOD"]));
      expect(hc.SecurityOpt).toEqual(expect.arrayContaining(["no-new-privileges:true"]));
    }
  });
});

describe("limits are refused when they do not fit, and nothing changes", () => {
  test.each([
    ["memory below the minimum", "app", { memoryMb: 8, cpus: 1, pids: 256 }, 422, /memoryMb/],
    ["cpus with three decimals", "app", { memoryMb: 256, cpus: 0.333, pids: 256 }, 422, /cpus/],
    ["a missing field", "app", { memoryMb: 256, cpus: 1 }, 422, /pids/],
    ["an unknown field", "app", { memoryMb: 256, cpus: 1, pids: 256, swap: 1 }, 422, /swap/],
    ["an unknown layer", "database", { memoryMb: 256, cpus: 1, pids: 256 }, 404, /Layer/],
  ])("%s", async (_label, layer, body, status, message) => {
    const r = await api().call("PUT", limitsPath(layer), body);
    expect(r.status).toBe(status);
    expect((r.json as { error: { message: string } }).error.message).toMatch(message);
    const hc = await hostConfig(apps()[0]!.containerId!);
    expect(hc.Memory).toBe(nodeKind("apache-php").limits.memoryMb * MB);
  });
});

describe("a memory-hungry request is stopped by its node's limit while the environment keeps serving", () => {
  test.each([
    ["at the default limit (512 MB) a 200 MB request completes", null, 200, true],
    ["at a 96 MB limit, applied live, the same request is stopped", { memoryMb: 96, cpus: 1, pids: 256 }, 200, false],
  ])("%s", async (_label, limits, mb, completes) => {
    const client = api();
    const startedAt = await Promise.all(apps().map(async (n) => (await docker.getContainer(n.containerId!).inspect()).State.StartedAt));
    if (limits) {
      const r = await client.call("PUT", limitsPath("app"), limits);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect((r.json as LayerLimits).custom).toBe(true);
      for (const n of apps()) expect((await hostConfig(n.containerId!)).Memory).toBe(limits.memoryMb * MB);
      // Applied in place: no node was restarted.
      const after = await Promise.all(apps().map(async (n) => (await docker.getContainer(n.containerId!).inspect()).State.StartedAt));
      expect(after).toEqual(startedAt);
    }

    // Sessions keep being served while the hungry request runs (bounded: 40 requests, one at a time).
    const session = new SessionClient(env.url!);
    let serving = true;
    const failures: string[] = [];
    let served = 0;
    const background = (async () => {
      for (let i = 0; i < 40 && serving; i++) {
        const r = await session.counter();
        if (r.status !== 200) failures.push(`${r.status} ${r.body.slice(0, 80)}`);
        else served++;
      }
    })();
    const hog = await new SessionClient(env.url!).get(`/hog.php?mb=${mb}`, 60_000).catch((e: Error) => ({ status: 0, body: e.message, ms: 0, headers: {} }));
    await new Promise((r) => setTimeout(r, 1500));
    serving = false;
    await background;

    if (completes) {
      expect(hog.status, hog.body).toBe(200);
      expect(hog.body).toContain(`allocated ${mb} MB`);
    } else {
      expect(hog.status, hog.body).not.toBe(200);
      expect(hog.body).not.toContain("allocated");
    }
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(0);
    // Every app node is still up and serving afterwards (the kernel stopped the one PHP worker, not the node).
    for (const n of apps()) {
      const state = (await docker.getContainer(n.containerId!).inspect()).State;
      expect(state.Running).toBe(true);
      expect((await execIn(n.containerId!, ["php", "-r", 'echo @file_get_contents("http://127.0.0.1/health.php");'])).output).toContain("ok");
    }
  });
});
