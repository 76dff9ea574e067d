import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../wait";
import { execOn } from "./docker-exec";
import { SWARM_INSTANCE } from "./instances";
import { startSwarmLab, type LabHost, type SwarmLab, type SwarmNode } from "./swarm-lab";
import { sweepInstance } from "./sweep";

/**
 * The multi-host lab itself: three docker-in-docker hosts in one Swarm, a Phleet node image pulled from the lab
 * registry, an overlay network across the hosts (dnsrr: this kernel has no IPVS, so no service VIP), and a host
 * killed: seen down, its task run again on another host. Prints the figures the Swarm design is based on.
 */

const SERVICE = "probe";
const OVERLAY = "lab-overlay";
const log = (line: string) => console.log(`[swarm-lab] ${line}`);

interface SwarmTask {
  ID: string;
  NodeID: string;
  DesiredState: string;
  Status: { State: string; ContainerStatus?: { ContainerID?: string } };
  NetworksAttachments?: { Network: { Spec: { Name: string } }; Addresses: string[] }[];
}

let lab: SwarmLab | undefined;

const runningTasks = async (manager: Docker) =>
  ((await manager.listTasks({ filters: { service: [SERVICE], "desired-state": ["running"] } })) as SwarmTask[]).filter(
    (t) => t.Status.State === "running",
  );
const overlayIp = (t: SwarmTask) => t.NetworksAttachments!.find((a) => a.Network.Spec.Name === OVERLAY)!.Addresses[0]!.split("/")[0]!;

describe("the multi-host lab (docker-in-docker Swarm)", () => {
  beforeAll(async () => {
    lab = await startSwarmLab({ instance: SWARM_INSTANCE, log });
  });

  afterAll(async () => {
    await sweepInstance(SWARM_INSTANCE);
  });

  it("starts three hosts that are all ready, active managers", async () => {
    const nodes = (await (await lab!.manager()).listNodes()) as SwarmNode[];
    expect(nodes.map((n) => n.Description?.Hostname).sort()).toEqual(["lab-1", "lab-2", "lab-3"]);
    for (const n of nodes) {
      expect(n.Status?.State).toBe("ready");
      expect(n.Spec?.Availability).toBe("active");
      expect(n.ManagerStatus?.Reachability).toBe("reachable");
    }
    log(`lab start (3 engines + Swarm of 3 managers): ${(lab!.startMs / 1000).toFixed(1)} s`);
    log(`memory when idle (MB): ${JSON.stringify(await lab!.memoryMb())}`);
  });

  it("runs a node image from the lab registry with one task per host, reachable across hosts by tasks.<service>", async () => {
    const pushStarted = Date.now();
    const image = await lab!.pushImage("redis");
    log(`push of phleet/redis to the lab registry: ${((Date.now() - pushStarted) / 1000).toFixed(1)} s`);

    const manager = await lab!.manager();
    await manager.createNetwork({ Name: OVERLAY, Driver: "overlay", Labels: { "phleet.managed": "true", "phleet.instance": SWARM_INSTANCE } });
    const serviceStarted = Date.now();
    await manager.createService({
      Name: SERVICE,
      Labels: { "phleet.managed": "true", "phleet.instance": SWARM_INSTANCE },
      TaskTemplate: {
        ContainerSpec: {
          Image: image,
          // The image's entrypoint is tini; no config file: no ACL, so a peer on the overlay may talk to it.
          Args: ["redis-server", "--port", "6379", "--protected-mode", "no", "--save", ""],
          Hostname: "{{.Node.Hostname}}",
        },
        Networks: [{ Target: OVERLAY }],
        // A spread over the nodes puts one of the three replicas on each host; replicated (not global) so a lost
        // host's task is run again elsewhere.
        Placement: { Preferences: [{ Spread: { SpreadDescriptor: "node.id" } }] },
        RestartPolicy: { Condition: "any", Delay: 1_000_000_000 },
      },
      Mode: { Replicated: { Replicas: 3 } },
      // No IPVS in this kernel: a virtual IP would not route. The name and tasks.<name> resolve to the task IPs.
      EndpointSpec: { Mode: "dnsrr" },
    });
    const tasks = await waitFor("3 running tasks of the probe service", async () => {
      const t = await runningTasks(manager);
      return t.length === 3 && t.every((x) => x.Status.ContainerStatus?.ContainerID) && t;
    }, { timeoutMs: 120_000, intervalMs: 250 });
    log(`service of 3 tasks running (pulls from the lab registry included): ${((Date.now() - serviceStarted) / 1000).toFixed(1)} s`);
    expect(new Set(tasks.map((t) => t.NodeID))).toEqual(new Set(lab!.hosts.map((h) => h.nodeId)));
    log(`memory with one redis task per host (MB): ${JSON.stringify(await lab!.memoryMb())}`);

    const hostOf = (t: SwarmTask) => lab!.hosts.find((h) => h.nodeId === t.NodeID)!;
    const ips = tasks.map(overlayIp).sort();
    // From each host's task to the next host's task: the name resolves to every task's IP on the overlay, and a
    // write sent to the other host's address is read back there, on that host's own engine.
    for (let i = 0; i < tasks.length; i++) {
      const from = tasks[i]!;
      const to = tasks[(i + 1) % tasks.length]!;
      const [a, b] = [hostOf(from), hostOf(to)];
      expect(a.name).not.toBe(b.name);
      const resolved = await execOn(a.engine, from.Status.ContainerStatus!.ContainerID!, ["getent", "ahostsv4", `tasks.${SERVICE}`]);
      expect(resolved.exitCode, resolved.output).toBe(0);
      expect([...new Set(resolved.output.split("\n").filter(Boolean).map((l) => l.split(/\s+/)[0]))].sort()).toEqual(ips);
      const byName = await execOn(a.engine, from.Status.ContainerStatus!.ContainerID!, ["getent", "ahostsv4", SERVICE]);
      expect(byName.output).toContain(overlayIp(to));

      const wrote = await execOn(a.engine, from.Status.ContainerStatus!.ContainerID!, ["redis-cli", "-h", overlayIp(to), "set", "lab:written-by", a.name]);
      expect(wrote.output.trim(), wrote.output).toBe("OK");
      const read = await execOn(b.engine, to.Status.ContainerStatus!.ContainerID!, ["redis-cli", "get", "lab:written-by"]);
      expect(read.output.trim()).toBe(a.name);
    }
  });

  it("sees a killed host down within seconds and runs its task on another host", async () => {
    const manager = lab!.hosts[0]!.engine;
    const victim: LabHost = lab!.hosts[2]!;
    const killed = Date.now();
    await lab!.killHost(victim);

    await waitFor(`${victim.name} down`, async () => {
      const node = (await manager.getNode(victim.nodeId).inspect()) as SwarmNode;
      return node.Status?.State === "down";
    }, { timeoutMs: 60_000, intervalMs: 200 });
    const downMs = Date.now() - killed;
    log(`host killed -> marked down: ${(downMs / 1000).toFixed(1)} s`);

    const tasks = await waitFor("3 running tasks on the surviving hosts", async () => {
      const t = (await runningTasks(manager)).filter((x) => x.NodeID !== victim.nodeId);
      return t.length === 3 && t;
    }, { timeoutMs: 90_000, intervalMs: 250 });
    const rescheduledMs = Date.now() - killed;
    log(`host killed -> its task running on another host: ${(rescheduledMs / 1000).toFixed(1)} s`);
    expect(downMs).toBeLessThan(30_000);

    // The moved task is on the overlay too: the service name and tasks.<service> now resolve to the three tasks
    // that run, the moved one included, and to nothing on the dead host.
    const t0 = tasks[0]!;
    const owner = lab!.hosts.find((h) => h.nodeId === t0.NodeID)!;
    for (const name of [`tasks.${SERVICE}`, SERVICE]) {
      await waitFor(`${name} to name the moved task`, async () => {
        const r = await execOn(owner.engine, t0.Status.ContainerStatus!.ContainerID!, ["getent", "ahostsv4", name]);
        const seen = new Set(r.output.split("\n").filter(Boolean).map((l) => l.split(/\s+/)[0]));
        return tasks.every((t) => seen.has(overlayIp(t))) && seen.size === 3;
      }, { timeoutMs: 15_000, intervalMs: 250 });
    }
  });

  it("tears the lab down with nothing left", async () => {
    await lab!.stop();
    const docker = new Docker();
    const filters = { label: [`phleet.instance=${SWARM_INSTANCE}`] };
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);
    expect((await docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
  });
});
