import Docker from "dockerode";
import { ensureImage, imageTag } from "../images/build";
import { LABEL, managedLabels } from "../runtime/labels";
import { DockerRuntime } from "../runtime/docker/docker-runtime";
import { pushToRegistry } from "../runtime/swarm/registry";
import { waitFor } from "../wait";
import { subnetPoolOf } from "./instances";
import { labTargets } from "./session-client";
import { sweepInstance } from "./sweep";

/**
 * The multi-host lab: N Docker engines in containers ("hosts", docker-in-docker) on one labelled bridge network
 * with fixed IPs, joined into one Swarm, and a registry they pull Phleet's node images from. Every container,
 * network and volume carries the instance's labels, so `sweepInstance` removes a crashed run's lab.
 *
 * The recipe is /work/shared/PLATFORM.md's "Several hosts on one machine": `--privileged` is refused on these
 * machines, so each host gets every capability but SYS_RESOURCE, no seccomp / AppArmor profile, the /proc and /sys
 * paths unmasked and every device; its entrypoint (images/swarm-host/host-entrypoint) makes /sys and the cgroups
 * writable and / rshared before it starts dockerd.
 *
 * Every host is a manager: Raft needs a majority, so one manager dies with its host and takes the Swarm with it,
 * while three managers keep a quorum of two when any one host is lost (and the tests kill a host).
 *
 * The test process talks to each host's engine over plain TCP on the lab bridge. That socket is never published
 * outside it: an unauthenticated engine is root on its host. Real hosts are reached with TLS client certificates
 * (dockerode's ca/cert/key) or over SSH (dockerode's protocol "ssh"), never like this.
 */

const HOST_IMAGE = "swarm-host";
const ENGINE_PORT = 2375;
const SWARM_PORT = 2377;
/** The registry's name on the lab bridge: hosts pull `lab-registry:5000/...` as an insecure (plain HTTP) registry. */
const REGISTRY_NAME = "lab-registry";
const REGISTRY_PORT = 5000;
/** Each host's memory ceiling (its engine and every task it runs): keeps a runaway test from taking the machine. */
const HOST_MEMORY_BYTES = 1024 * 1024 * 1024;
/**
 * Nanoseconds. Shorter than the default 5 s so a dead host is marked down sooner (about 4 s at 1 s, 17 s at 5 s),
 * but not 1 s: after a leader's host dies, the new leader marks every node "unknown" and then down (and moves its
 * tasks) unless the node registers with it within 6 heartbeats; at 1 s, live hosts of this loaded machine missed
 * that window while the election ran, and Swarm moved healthy nodes, both session stores among them.
 */
const DISPATCHER_HEARTBEAT_NS = 3_000_000_000;

export interface LabHost {
  /** Also the host's hostname and its Swarm node's name. */
  name: string;
  ip: string;
  containerId: string;
  /** This host's own engine: exec, archives and stats of the tasks it runs are only there. */
  engine: Docker;
  nodeId: string;
}

export interface SwarmLab {
  instance: string;
  /** The lab's bridge network on the machine's engine. */
  network: string;
  hosts: LabHost[];
  /** Milliseconds from the first container's creation to a Swarm with every node ready. */
  startMs: number;
  /** A manager's engine that still answers (hosts can be killed by a test). */
  manager(): Promise<Docker>;
  /** The lab registry: `push` as the machine reaches it (loopback), `pull` as the hosts name it; null without one. */
  registry: { push: string; pull: string } | null;
  /** The machine's address on the lab bridge, where the hosts reach what it publishes (a registry Phleet runs). */
  machineAddress: string;
  /** PHLEET_SWARM_HOSTS for a control plane that drives the lab (plain TCP on the lab bridge: a test network only). */
  swarmHostsSetting: string;
  /** Builds the node image when needed, pushes it to the lab registry and returns the reference the hosts pull. */
  pushImage(name: string): Promise<string>;
  /** Memory of each lab container (hosts and registry) in MB, without the page cache (pulled layers count there). */
  memoryMb(): Promise<Record<string, number>>;
  /** Kills the host's container at once (SIGKILL): the host dies as a machine losing power would. */
  killHost(host: LabHost): Promise<void>;
  /** Removes every container, network and volume of the lab. */
  stop(): Promise<{ containers: number; networks: number; volumes: number }>;
}

interface SwarmLabOptions {
  instance: string;
  hosts?: number;
  /** Whether the lab runs a registry of its own (default true); without one, Phleet runs its own. */
  registry?: boolean;
  log?: (line: string) => void;
}

const resourceName = (instance: string, what: string) => `phleet-${instance}-${what}`;

export async function startSwarmLab(opts: SwarmLabOptions): Promise<SwarmLab> {
  const { instance } = opts;
  const count = opts.hosts ?? 3;
  const log = opts.log ?? (() => undefined);
  const docker = new Docker();
  const labels = managedLabels(instance, { [LABEL.role]: "swarm-lab" });

  const swept = await sweepInstance(instance);
  if (swept.containers || swept.networks || swept.volumes) {
    log(`removed ${swept.containers} containers, ${swept.networks} networks, ${swept.volumes} volumes of an earlier lab`);
  }
  if ((await ensureImage(new DockerRuntime(), HOST_IMAGE, undefined)) === "built") log(`built ${imageTag(HOST_IMAGE)}`);
  const image = imageTag(HOST_IMAGE);

  const started = Date.now();
  // Block 0 of the instance's /16: environments take blocks from 1 up (topology's freeBlock), so even an instance
  // whose pool hashes to the same /16 never allocates it. The hosts' inner networks
  // (docker0 172.17/16, docker_gwbridge 172.18/16, overlays from 10.0.0.0/24 up) do not overlap it.
  const second = subnetPoolOf(instance).split(".")[1]!;
  const prefix = `10.${second}.0`;
  const network = resourceName(instance, "lab");
  await docker.createNetwork({
    Name: network,
    Driver: "bridge",
    CheckDuplicate: true,
    IPAM: { Config: [{ Subnet: `${prefix}.0/24`, Gateway: `${prefix}.1` }] },
    Labels: labels,
  });

  const registry = opts.registry === false ? null : await docker.createContainer({
    name: resourceName(instance, "registry"),
    Image: image,
    Entrypoint: ["docker-registry", "serve", "/etc/docker/registry/lab.yml"],
    Labels: labels,
    ExposedPorts: { [`${REGISTRY_PORT}/tcp`]: {} },
    HostConfig: {
      // The machine pushes through loopback only (127.0.0.0/8 is an insecure registry for every engine by default).
      PortBindings: { [`${REGISTRY_PORT}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: "" }] },
      NetworkMode: network,
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: `${prefix}.2` }, Aliases: [REGISTRY_NAME] } } },
  });
  await registry?.start();

  const hosts = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const name = `lab-${i + 1}`;
      const ip = `${prefix}.${11 + i}`;
      const volume = resourceName(instance, `${name}-docker`);
      await docker.createVolume({ Name: volume, Labels: labels });
      const c = await docker.createContainer({
        name: resourceName(instance, name),
        Hostname: name,
        Image: image,
        // The lab's registry by name, and one Phleet publishes on the machine's address on the lab bridge.
        Cmd: [`--insecure-registry=${REGISTRY_NAME}:${REGISTRY_PORT}`, `--insecure-registry=${prefix}.1/32`],
        Labels: labels,
        HostConfig: {
          CapAdd: ["ALL"],
          CapDrop: ["SYS_RESOURCE"],
          SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
          // The CLI's --security-opt systempaths=unconfined: the API (which refuses that option) takes it as empty lists.
          MaskedPaths: [],
          ReadonlyPaths: [],
          DeviceCgroupRules: ["a *:* rwm"],
          Binds: [`${volume}:/var/lib/docker`],
          Memory: HOST_MEMORY_BYTES,
          NetworkMode: network,
        },
        NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: ip } } } },
      });
      await c.start();
      labTargets.add(ip);
      return { name, ip, containerId: c.id, engine: new Docker({ host: ip, port: ENGINE_PORT, protocol: "http" }), nodeId: "" };
    }),
  );

  const registryPort = registry && await waitFor(
    "the lab registry's published port",
    async () => (await registry.inspect()).NetworkSettings.Ports[`${REGISTRY_PORT}/tcp`]?.[0]?.HostPort,
    { timeoutMs: 10_000, intervalMs: 100 },
  );
  await Promise.all(hosts.map((h) => waitForEngine(docker, h)));
  log(`${count} engines answer after ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const [first, ...others] = hosts as [LabHost, ...LabHost[]];
  await first.engine.swarmInit({
    ListenAddr: `0.0.0.0:${SWARM_PORT}`,
    AdvertiseAddr: first.ip,
    Spec: { Dispatcher: { HeartbeatPeriod: DISPATCHER_HEARTBEAT_NS } },
  });
  const { JoinTokens } = (await first.engine.swarmInspect()) as { JoinTokens: { Manager: string } };
  // One at a time: each join changes the Raft membership, which accepts one change at a time.
  for (const h of others) {
    await h.engine.swarmJoin({ ListenAddr: `0.0.0.0:${SWARM_PORT}`, AdvertiseAddr: h.ip, RemoteAddrs: [`${first.ip}:${SWARM_PORT}`], JoinToken: JoinTokens.Manager });
  }
  const nodes = await waitFor(
    `${count} Swarm nodes ready`,
    async () => {
      const list = (await first.engine.listNodes()) as SwarmNode[];
      return list.length === count && list.every((n) => n.Status?.State === "ready") && list;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  for (const h of hosts) h.nodeId = nodes.find((n) => n.Description?.Hostname === h.name)!.ID;
  const startMs = Date.now() - started;
  log(`Swarm of ${count} managers ready ${(startMs / 1000).toFixed(1)} s after the first container`);

  const dead = new Set<LabHost>();
  // The machine pushes through loopback; the hosts pull by the registry's name on the lab bridge.
  const registryAddress = registryPort ? { push: `127.0.0.1:${registryPort}`, pull: `${REGISTRY_NAME}:${REGISTRY_PORT}` } : null;
  return {
    instance,
    network,
    hosts,
    startMs,
    registry: registryAddress,
    machineAddress: `${prefix}.1`,
    swarmHostsSetting: hosts.map((h) => `${h.name}=tcp://${h.ip}:${ENGINE_PORT}`).join(","),
    async manager() {
      for (const h of hosts) {
        if (dead.has(h)) continue;
        try {
          await h.engine.ping();
          return h.engine;
        } catch {
          // try the next one
        }
      }
      throw new Error("no manager of the lab answers");
    },
    async pushImage(name) {
      if (!registryAddress) throw new Error("this lab was started without a registry");
      await ensureImage(new DockerRuntime(), name);
      return pushToRegistry(docker, imageTag(name), registryAddress);
    },
    async memoryMb() {
      const containers = [...hosts.map((h) => ({ name: h.name, id: h.containerId })), ...(registry ? [{ name: "registry", id: registry.id }] : [])];
      const out: Record<string, number> = {};
      for (const c of containers) {
        const s = (await docker.getContainer(c.id).stats({ stream: false })) as { memory_stats: { usage?: number; stats?: { cache?: number } } };
        out[c.name] = Math.round(((s.memory_stats.usage ?? 0) - (s.memory_stats.stats?.cache ?? 0)) / 1024 / 1024);
      }
      return out;
    },
    async killHost(host) {
      dead.add(host);
      await docker.getContainer(host.containerId).kill({ signal: "SIGKILL" });
    },
    stop: () => {
      for (const h of hosts) labTargets.delete(h.ip);
      return sweepInstance(instance);
    },
  };
}

/** The parts of a Swarm node the lab reads (dockerode types them loosely). */
export interface SwarmNode {
  ID: string;
  Description?: { Hostname?: string };
  Spec?: { Availability?: string; Role?: string };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string };
}

/** Polls the engine's /_ping (bounded); stops at once when the host's container has exited, with its last log lines. */
async function waitForEngine(docker: Docker, host: LabHost): Promise<void> {
  await waitFor(
    `the engine of ${host.name}`,
    async () => {
      try {
        await host.engine.ping();
        return true;
      } catch {
        const state = (await docker.getContainer(host.containerId).inspect()).State;
        if (!state.Running) {
          const tail = (await docker.getContainer(host.containerId).logs({ stdout: true, stderr: true, tail: 20 })).toString("utf8");
          throw new Error(`${host.name} exited (${state.ExitCode}) before its engine answered:\n${tail}`);
        }
        return false;
      }
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}
