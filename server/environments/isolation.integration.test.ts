import Docker from "dockerode";
import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Environment } from "../contracts/environment";
import { api } from "../testing/api-client";
import { startApp, type TestApp } from "../testing/app-server";
import { INTEGRATION_INSTANCE, subnetPoolOf } from "../testing/instances";
import { sweepInstance } from "../testing/sweep";
import { networkName } from "../nodes/names";

/**
 * Issue 15, findings 3 and 11: node containers cannot reach the control plane, and an environment never
 * takes over a network that is not its own. Real engine, real app, real node containers.
 */

const docker = new Docker();

/** TCP ports the process tree of `pid` listens on, with the address each is bound to. */
function listeningSockets(pid: number): { address: string; port: number }[] {
  const pids = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of fs.readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
      try {
        const ppid = Number(fs.readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
        if (pids.has(ppid) && !pids.has(Number(d))) {
          pids.add(Number(d));
          grew = true;
        }
      } catch {
        /* gone */
      }
    }
  }
  const inodes = new Set<string>();
  for (const p of pids) {
    try {
      for (const fd of fs.readdirSync(`/proc/${p}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${p}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      }
    } catch {
      /* gone */
    }
  }
  const out: { address: string; port: number }[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== "0A" || !inodes.has(f[9]!)) continue;
      const [hex, port] = f[1]!.split(":");
      const address = hex!.length === 8 ? hex!.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join(".") : hex === "0".repeat(32) ? "::" : hex === "00000000000000000000000001000000" ? "::1" : hex!;
      out.push({ address, port: parseInt(port!, 16) });
    }
  }
  return out;
}

/** From inside a container: can it open a TCP connection to host:port? (PHP is in every app-server image.) */
async function canConnect(containerId: string, host: string, port: number): Promise<boolean> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ["php", "-r", '$s = @fsockopen($argv[1], (int) $argv[2], $no, $msg, 3); echo $s ? "open" : "closed";', host, String(port)],
    AttachStdout: true,
    AttachStderr: true,
    User: "www-data",
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  await new Promise((r) => stream.on("end", r));
  return Buffer.concat(chunks).toString("utf8").includes("open");
}

describe("finding 3: a node container cannot reach the control plane started the way `npm run up` starts it", () => {
  const instance = `${INTEGRATION_INSTANCE}-up`;
  const token = "up-like-token-0123456789abcdef";
  let app: TestApp;
  let env: Environment;
  let gateway = "";
  let appContainer = "";
  let control: net.Server;
  let controlPort = 0;

  beforeAll(async () => {
    await sweepInstance(instance);
    app = await startApp({ PHLEET_INSTANCE: instance, PHLEET_API_TOKEN: token, PHLEET_SUBNET_POOL: subnetPoolOf(instance), PHLEET_STATS: "off" }, { likeUp: true });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    const created = await call("POST", "/api/v1/environments", { name: "it-reach", appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 }, loadBalancer: { type: "nginx" } });
    expect(created.status).toBe(202);
    const id = ((await created.json()) as Environment).id;
    for (const deadline = Date.now() + 240_000; ; ) {
      env = (await (await call("GET", `/api/v1/environments/${id}`)).json()) as Environment;
      if (env.status !== "creating" || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(env.status, env.error ?? "").toBe("running");
    appContainer = env.nodes.find((n) => n.role === "app")!.containerId!;
    const info = await docker.getNetwork(networkName(instance, "it-reach")).inspect();
    gateway = (info.IPAM!.Config![0] as { Gateway: string }).Gateway;
    // A listener of the test's own on every interface: proves the probe does reach the host through the gateway.
    control = net.createServer((s) => s.end());
    await new Promise<void>((r) => control.listen(0, "0.0.0.0", () => r()));
    controlPort = (control.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    control?.close();
    await app?.stop();
    await sweepInstance(instance);
  });

  test("the dashboard listens on loopback only", () => {
    const sockets = listeningSockets(app.pid);
    expect(sockets.length).toBeGreaterThan(0);
    for (const s of sockets) expect(s.address, `listening on ${s.address}:${s.port}`).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  test.each([
    ["a port of the test's own, open on every interface (the probe works)", "control", true],
    ["every port the control plane listens on", "app", false],
  ])("from a node, through its network gateway: %s", async (_label, which, reachable) => {
    const ports = which === "control" ? [controlPort] : listeningSockets(app.pid).map((s) => s.port);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(await canConnect(appContainer, gateway, port), `${gateway}:${port}`).toBe(reachable);
  });
});

describe("finding 11: an environment does not adopt a network it did not create", () => {
  const foreign: string[] = [];
  afterAll(async () => {
    for (const n of foreign) await docker.getNetwork(n).remove().catch(() => undefined);
  });

  test.each([
    ["a network made by hand, without labels", "it-clash-a", {}],
    ["another installation's network", "it-clash-b", { "phleet.managed": "true", "phleet.instance": "someone-else" }],
  ])("%s with the same name is refused, and nothing joins it", async (_label, name, labels) => {
    const netName = networkName(INTEGRATION_INSTANCE, name);
    foreign.push(netName);
    const subnet = `10.252.${name.endsWith("a") ? 1 : 2}.0/24`;
    await docker.createNetwork({ Name: netName, Driver: "bridge", Labels: labels, IPAM: { Driver: "default", Config: [{ Subnet: subnet }] } });
    const client = api();
    const created = await client.create({ name, appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 } });
    expect(created.status).toBe(202);
    try {
      const env = await client.waitSettled(created.json.id);
      expect(env.status).toBe("failed");
      expect(env.error).toMatch(/not this environment's/);
      const info = await docker.getNetwork(netName).inspect();
      expect(Object.keys(info.Containers ?? {})).toHaveLength(0);
    } finally {
      await client.call("DELETE", `/api/v1/environments/${created.json.id}`);
      await client.waitGone(created.json.id).catch(() => undefined);
    }
  });
});
