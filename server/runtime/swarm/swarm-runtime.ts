import type Docker from "dockerode";
import { log } from "../../log";
import { sleep, waitFor } from "../../wait";
import { DockerRuntime } from "../docker/docker-runtime";
import { statusOf, toRuntimeError } from "../docker/engine-errors";
import { RuntimeError } from "../errors";
import { LABEL } from "../labels";
import type {
  ContainerRuntime,
  ContainerSpec,
  ContainerState,
  ContainerStats,
  EngineEvent,
  ExecOptions,
  ExecResult,
  ExecSession,
  ExecSessionOptions,
  FileSpec,
  FollowLogsOptions,
  HostInfo,
  ImageBuildProgress,
  ImageSource,
  InstanceProvisioner,
  Labels,
  LogLine,
  NetworkSpec,
  NetworkState,
  ReadLogsOptions,
  ResourceLimits,
  VolumeSpec,
  VolumeState,
} from "../types";
import { startOwnRegistry, type OwnRegistryOptions } from "./own-registry";
import { pushToRegistry, type RegistryAddress } from "./registry";
import {
  breaksSpread,
  currentTask,
  GATE_FILE,
  isUp,
  placementConstraints,
  serviceSpec,
  SPREAD_LABEL,
  pinnedToHost,
  stateOfService,
  type ImageRun,
  type SwarmService,
  type SwarmTask,
} from "./service-spec";

/** One host of the Swarm as the control plane reaches it: its own engine (exec, archives, logs, stats of its tasks). */
export interface SwarmHostEngine {
  /** The host's Swarm node hostname (or its advertised address), to match tasks to engines. */
  name: string;
  docker: Docker;
}

export interface SwarmRuntimeOptions {
  /** Every host; the managers among them answer the Swarm API. */
  hosts: SwarmHostEngine[];
  /** The engine that builds node images (the control plane's own). */
  builder: Docker;
  /** Where images go: pushed through `push`, pulled by the hosts from `pull` (both host:port), a registry of the user's. */
  registry?: RegistryAddress;
  /** Without `registry`: the one Phleet runs on the builder's engine (own-registry.ts), started on the first push. */
  ownRegistry?: Omit<OwnRegistryOptions, "image" | "hosts">;
}

interface SwarmNodeInfo {
  ID: string;
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string }; Resources?: { NanoCPUs?: number; MemoryBytes?: number } };
  Spec?: { Availability?: string; Role?: string; Labels?: Labels };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string };
}

interface Placed {
  service: SwarmService;
  task: SwarmTask;
  host: DockerRuntime;
  hostName: string;
  containerId: string;
}

const SWARM_SERVICE_LABEL = "com.docker.swarm.service.id";
/** How long a volume removal waits for the task container of a removed service to be gone. */
const VOLUME_FREE_TIMEOUT_MS = 30_000;
const labelFilter = (labels: Labels) => Object.entries(labels).map(([k, v]) => `${k}=${v}`);
/** How long an operation on a node waits for Swarm to (re)place its task: a lost host is seen in seconds, a pull takes longer. */
const PLACE_TIMEOUT_MS = 120_000;
/** How long a task may wait for a host its constraints allow before they are recomputed (relaxSpread). */
const RELAX_AFTER_MS = 3000;
const NODES_TTL_MS = 1000;
/** How long a manager that answered is used without asking again, and how long an engine may take to answer a check. */
const MANAGER_RECHECK_MS = 2000;
const ENGINE_ANSWER_MS = 3000;
const LEADER_ELECTION_MS = 15_000;

function bounded<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RuntimeError(message, "unavailable")), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * ContainerRuntime over a Docker Swarm: each "container" is a service with one replica (its id is the
 * service's id, stable while Swarm moves the task between hosts), and every operation on a running node goes
 * to the engine of the host that runs its current task. Swarm places and reschedules; Phleet provisions each
 * new task behind the start gate (service-spec.ts) before its process runs, as it writes files into a new
 * container before its first start on a single engine.
 */
export class SwarmRuntime implements ContainerRuntime {
  readonly addressing = "name" as const;
  readonly instancesAreReplaced = true;
  private readonly hosts: { name: string; docker: Docker; rt: DockerRuntime }[];
  private readonly builder: DockerRuntime;
  private provisioner: InstanceProvisioner | null = null;
  private imageSource: ImageSource | null = null;
  private ownRegistry: Promise<RegistryAddress> | null = null;
  /** Task containers already provisioned (or being), so a new task is provisioned once. */
  private readonly provisioned = new Map<string, Promise<void>>();
  private readonly gateOpen = new Set<string>();
  private readonly pushed = new Map<string, Promise<string>>();
  private nodesCache: { at: number; nodes: SwarmNodeInfo[] } | null = null;

  constructor(private readonly opts: SwarmRuntimeOptions) {
    if (!opts.hosts.length) throw new Error("a Swarm runtime needs at least one host");
    this.hosts = opts.hosts.map((h) => ({ ...h, rt: new DockerRuntime(h.docker) }));
    this.builder = new DockerRuntime(opts.builder);
  }

  setProvisioner(fn: InstanceProvisioner): void {
    this.provisioner = fn;
  }

  setImageSource(fn: ImageSource): void {
    this.imageSource = fn;
  }

  // ---- the Swarm's managers and hosts

  /**
   * A manager that answers: the last one that did, else the first host whose engine takes a Swarm call. Each
   * try is bounded: a lost host does not refuse connections, it never answers them.
   */
  private async manager(): Promise<Docker> {
    const preferred = this.hosts[this.managerIndex];
    if (preferred && Date.now() - this.managerCheckedAt < MANAGER_RECHECK_MS) return preferred.docker;
    let last: unknown;
    const order = [this.managerIndex, ...this.hosts.keys()].filter((v, i, a) => a.indexOf(v) === i);
    // While the managers elect a new leader (the old one was on a lost host) none answers for a few seconds.
    const deadline = Date.now() + LEADER_ELECTION_MS;
    do {
      for (const i of order) {
        const h = this.hosts[i]!;
        try {
          await bounded(h.docker.listNodes({ filters: JSON.stringify({ role: ["manager"] }) }), ENGINE_ANSWER_MS, `${h.name} did not answer`);
          this.managerIndex = i;
          this.managerCheckedAt = Date.now();
          return h.docker;
        } catch (err) {
          last = err;
        }
      }
      await sleep(500);
    } while (Date.now() < deadline);
    throw toRuntimeError(last, "reach a Swarm manager");
  }

  private managerIndex = 0;
  private managerCheckedAt = 0;

  private async nodes(fresh = false): Promise<SwarmNodeInfo[]> {
    if (!fresh && this.nodesCache && Date.now() - this.nodesCache.at < NODES_TTL_MS) return this.nodesCache.nodes;
    const nodes = (await (await this.manager()).listNodes()) as SwarmNodeInfo[];
    this.nodesCache = { at: Date.now(), nodes };
    return nodes;
  }

  private hostOfNode(node: SwarmNodeInfo | undefined) {
    if (!node) return undefined;
    return this.hosts.find((h) => h.name === node.Description?.Hostname || h.name === node.Status?.Addr);
  }

  /**
   * Whether the Swarm node is ready and its engine answers now. In the seconds before Swarm marks a lost host
   * down, a call to its engine would hang until TCP gives up; a bounded ping (remembered briefly) says so first.
   */
  private async nodeIsUp(nodeId: string | undefined): Promise<boolean> {
    const n = (await this.nodes()).find((x) => x.ID === nodeId);
    // "unknown" is what a new leader says of every node until it hears from it: the engine's answer decides.
    if (!n || n.Status?.State === "down") return false;
    const host = this.hostOfNode(n);
    if (!host) return n.Status?.State === "ready";
    const seen = this.engineSeen.get(host.name);
    if (seen && Date.now() - seen.at < MANAGER_RECHECK_MS) return seen.up;
    const up = await bounded(host.docker.ping(), ENGINE_ANSWER_MS, "no answer").then(() => true, () => false);
    this.engineSeen.set(host.name, { at: Date.now(), up });
    return up;
  }

  private readonly engineSeen = new Map<string, { at: number; up: boolean }>();

  async listHosts(): Promise<HostInfo[]> {
    const nodes = await this.nodes(true);
    const tasks = (await (await this.manager()).listTasks({ filters: { "desired-state": ["running"] } })) as SwarmTask[];
    const services = await this.services({ [LABEL.managed]: "true" });
    const byService = new Map(services.map((s) => [s.ID, s]));
    return nodes.map((n) => ({
      id: n.ID,
      name: n.Description?.Hostname ?? n.ID,
      address: n.Status?.Addr ?? "",
      role: n.Spec?.Role === "manager" ? (n.ManagerStatus?.Leader ? "leader" : "manager") : "worker",
      state: n.Status?.State ?? "unknown",
      availability: n.Spec?.Availability ?? "unknown",
      engineVersion: n.Description?.Engine?.EngineVersion ?? "",
      cpus: (n.Description?.Resources?.NanoCPUs ?? 0) / 1e9,
      memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
      labels: n.Spec?.Labels ?? {},
      reachable: !!this.hostOfNode(n),
      containers: tasks
        .filter((t) => t.NodeID === n.ID && byService.has(t.ServiceID))
        .map((t) => ({ id: t.ServiceID, labels: byService.get(t.ServiceID)!.Spec.Labels ?? {}, state: t.Status.State })),
    }));
  }

  async joinCommand(): Promise<string> {
    const manager = await this.manager();
    const swarm = (await manager.swarmInspect()) as { JoinTokens: { Worker: string } };
    const leader = (await this.nodes(true)).find((n) => n.ManagerStatus?.Leader);
    return `docker swarm join --token ${swarm.JoinTokens.Worker} ${leader?.Status?.Addr ?? "<manager address>"}:2377`;
  }

  async setHostAvailability(hostId: string, availability: "active" | "drain" | "pause"): Promise<void> {
    if (availability === "drain") await this.moveSpreadNodesOff(hostId);
    await this.updateHost(hostId, { Availability: availability }, `set host ${hostId} to ${availability}`);
  }

  async setHostLabels(hostId: string, labels: Labels): Promise<void> {
    await this.updateHost(hostId, { Labels: labels }, `set the labels of host ${hostId}`);
  }

  /** Changes part of a Swarm node's spec (at its current version). */
  private async updateHost(hostId: string, change: { Availability?: string; Labels?: Labels }, what: string): Promise<void> {
    const manager = await this.manager();
    try {
      const node = manager.getNode(hostId);
      const info = (await node.inspect()) as SwarmNodeInfo & { Version: { Index: number } };
      await node.update({ version: info.Version.Index, ...info.Spec, ...change });
      this.nodesCache = null;
    } catch (err) {
      throw toRuntimeError(err, what);
    }
  }

  /**
   * Before a drain: each node that spreads over its layer leaves the host under the constraints of now (and away
   * from this host), one after the other, each seeing where the last one went. Swarm's drain would move them under
   * the constraints of their creation, and a node put beside another of its layer would have to move again
   * (respread) before it could start.
   */
  private async moveSpreadNodesOff(hostId: string): Promise<void> {
    const available = (await this.nodes(true))
      .filter((n) => n.ID !== hostId && n.Status?.State === "ready" && n.Spec?.Availability === "active")
      .map((n) => n.ID);
    for (const listed of await this.services({ [LABEL.managed]: "true" })) {
      const raw = listed.Spec.Labels?.[SPREAD_LABEL];
      const task = currentTask(await this.tasksOf(listed.ID));
      // A node pinned to its volume's host (a database) stays: Swarm's drain leaves it waiting there.
      if (!raw || task?.NodeID !== hostId || pinnedToHost(listed)) continue;
      // In the layer's queue, with the service read again just before its update (heal or respread may have
      // updated it meanwhile). A move that fails is logged and left to Swarm's drain: the drain itself goes on, since
      // the nodes on the host have already left their balancer and save_path.
      await this.serially(raw, async () => {
        const svc = await this.service(listed.ID);
        if (!svc) return;
        const spread = await this.spreadConstraints(JSON.parse(raw) as Labels, svc.Spec.Name, available);
        const constraints = [...new Set([...spread, `node.id!=${hostId}`])];
        await this.setConstraints(svc, constraints, `move ${svc.Spec.Name} off the host before its drain`);
        log.info({ node: svc.Spec.Name, constraints }, "node moved off a host before its drain");
        await waitFor("a host for the moved node", async () => {
          const next = currentTask(await this.tasksOf(svc.ID));
          return !!next && next.ID !== task.ID && !!next.NodeID;
        }, { timeoutMs: 15_000, intervalMs: 100 }).catch(() => undefined);
      }).catch((err: unknown) => log.warn({ node: listed.Spec.Name, err }, "could not move the node off the host before its drain: Swarm's drain moves it"));
    }
  }

  // ---- services and their current task

  private async services(labels: Labels): Promise<SwarmService[]> {
    try {
      return (await (await this.manager()).listServices({ filters: { label: labelFilter(labels) } })) as unknown as SwarmService[];
    } catch (err) {
      throw toRuntimeError(err, "list services");
    }
  }

  private async service(id: string): Promise<SwarmService | null> {
    try {
      return (await (await this.manager()).getService(id).inspect()) as SwarmService;
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw toRuntimeError(err, `inspect service ${id.slice(0, 12)}`);
    }
  }

  private async tasksOf(serviceId: string): Promise<SwarmTask[]> {
    try {
      return (await (await this.manager()).listTasks({ filters: { service: [serviceId] } })) as SwarmTask[];
    } catch (err) {
      throw toRuntimeError(err, `list tasks of ${serviceId.slice(0, 12)}`);
    }
  }

  /** The node's task that runs now on a live host, with that host's engine; null when there is none. */
  private async placed(serviceId: string): Promise<Placed | null> {
    const service = await this.service(serviceId);
    if (!service) throw new RuntimeError(`no service ${serviceId.slice(0, 12)} on the Swarm`, "not_found", 404);
    const task = currentTask(await this.tasksOf(serviceId));
    const containerId = task?.Status.ContainerStatus?.ContainerID;
    if (!task || !isUp(task) || !containerId || !(await this.nodeIsUp(task.NodeID))) return null;
    const host = this.hostOfNode((await this.nodes()).find((n) => n.ID === task.NodeID));
    if (!host) throw new RuntimeError(`the host running ${service.Spec.Name} is not one Phleet is configured to reach`, "unavailable");
    return { service, task, host: host.rt, hostName: host.name, containerId };
  }

  /** Waits (bounded) until Swarm runs the node's task on a live host. */
  private async waitPlaced(serviceId: string, timeoutMs = PLACE_TIMEOUT_MS): Promise<Placed> {
    const deadline = Date.now() + timeoutMs;
    let lastTask: SwarmTask | undefined;
    let unplaceableSince: number | null = null;
    for (;;) {
      const p = await this.placed(serviceId);
      if (p) return p;
      lastTask = currentTask(await this.tasksOf(serviceId));
      if (lastTask?.Status.State === "pending" && /no suitable node/.test(lastTask.Status.Err ?? "")) {
        unplaceableSince ??= Date.now();
        if (Date.now() - unplaceableSince > RELAX_AFTER_MS && (await this.relaxSpread(serviceId))) unplaceableSince = null;
      } else unplaceableSince = null;
      if (Date.now() > deadline) {
        const why = lastTask ? `${lastTask.Status.State}${lastTask.Status.Err ? `: ${lastTask.Status.Err}` : ""}` : "no task";
        throw new RuntimeError(`Swarm did not run service ${serviceId.slice(0, 12)} within ${Math.round(timeoutMs / 1000)} s (${why})`, "timeout");
      }
      await sleep(250);
    }
  }

  private async isGateOpen(p: Placed): Promise<boolean> {
    if (this.gateOpen.has(p.containerId)) return true;
    const open = await p.host.readFile(p.containerId, GATE_FILE).then((c) => c !== null, () => false);
    if (open) this.gateOpen.add(p.containerId);
    return open;
  }

  private async openGate(p: Placed): Promise<void> {
    await p.host.writeFiles(p.containerId, [{ path: GATE_FILE, content: "" }]);
    this.gateOpen.add(p.containerId);
  }

  /** Runs the provisioner once for a new task's container (the first task's files come with its spec). */
  private provision(p: Placed, files?: FileSpec[]): Promise<void> {
    let done = this.provisioned.get(p.containerId);
    if (!done) {
      done = (async () => {
        if (files) {
          if (files.length) await p.host.writeFiles(p.containerId, files);
        } else if (this.provisioner) {
          await this.provisioner(this, p.service.ID, p.service.Spec.Labels ?? {});
        }
      })();
      this.provisioned.set(p.containerId, done);
      done.catch(() => this.provisioned.delete(p.containerId));
    }
    return done;
  }

  private async stateOf(service: SwarmService, tasks?: SwarmTask[]): Promise<ContainerState> {
    const all = tasks ?? (await this.tasksOf(service.ID));
    const task = currentTask(all);
    const nodes = await this.nodes();
    const node = nodes.find((n) => n.ID === task?.NodeID);
    const host = this.hostOfNode(node);
    const hostDown = !!task && !(await this.nodeIsUp(task.NodeID));
    let gateOpen = false;
    let health: ContainerState["health"] = null;
    const containerId = task?.Status.ContainerStatus?.ContainerID;
    if (isUp(task) && containerId && host && !hostDown) {
      const p: Placed = { service, task, host: host.rt, hostName: host.name, containerId };
      gateOpen = await this.isGateOpen(p);
      const inner = await host.rt.inspectContainer(containerId).catch(() => null);
      health = inner?.health ?? null;
    }
    const restarts = Math.max(0, all.length - 1);
    return stateOfService(service, task, { gateOpen, hostDown, host: node?.Description?.Hostname, hostAddress: node?.Status?.Addr, health, restarts });
  }

  // ---- networks and volumes

  async ping(): Promise<void> {
    await this.manager();
  }

  async ensureNetwork(spec: NetworkSpec): Promise<NetworkState> {
    return new DockerRuntime(await this.manager(), "overlay").ensureNetwork(spec);
  }

  async removeNetwork(name: string): Promise<void> {
    // A removed service's tasks leave the network a moment later, on their hosts.
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await (await this.manager()).getNetwork(name).remove();
        return;
      } catch (err) {
        if (statusOf(err) === 404) return;
        if (Date.now() > deadline) throw toRuntimeError(err, `remove network ${name}`);
        await sleep(500);
      }
    }
  }

  async listNetworks(labels?: Labels): Promise<NetworkState[]> {
    return new DockerRuntime(await this.manager()).listNetworks(labels);
  }

  async ensureVolume(spec: VolumeSpec): Promise<VolumeState> {
    // Created by the service's mount on the host that runs the task (a database node is pinned to one host).
    return { name: spec.name, labels: spec.labels };
  }

  private async liveHosts() {
    const nodes = await this.nodes();
    return this.hosts.filter((h) => nodes.some((n) => this.hostOfNode(n) === h && n.Status?.State === "ready"));
  }

  async removeVolume(name: string): Promise<void> {
    // A removed service's task container goes away a few seconds after the service: until then its volume is in use.
    const removeOn = (h: { name: string; rt: DockerRuntime }) =>
      waitFor(
        `the volume ${name} on ${h.name} to be free`,
        () =>
          h.rt.removeVolume(name).then(
            () => true,
            (err: unknown) => {
              if (err instanceof RuntimeError && err.kind === "conflict") return false;
              throw err;
            },
          ),
        { timeoutMs: VOLUME_FREE_TIMEOUT_MS, intervalMs: 500 },
      );
    await Promise.all((await this.liveHosts()).map(removeOn));
  }

  async listVolumes(labels: Labels): Promise<VolumeState[]> {
    const lists = await Promise.all((await this.liveHosts()).map((h) => h.rt.listVolumes(labels)));
    return [...new Map(lists.flat().map((v) => [v.name, v])).values()];
  }

  // ---- nodes

  private async imageFor(tag: string): Promise<{ image: string; run: ImageRun }> {
    let info: Docker.ImageInspectInfo;
    try {
      info = await this.opts.builder.getImage(tag).inspect();
    } catch (err) {
      throw toRuntimeError(err, `inspect image ${tag}`);
    }
    const run: ImageRun = {
      entrypoint: info.Config.Entrypoint ? [info.Config.Entrypoint].flat() : [],
      cmd: info.Config.Cmd ?? [],
      healthcheck: (info.Config as { Healthcheck?: { Test?: string[] } }).Healthcheck ?? null,
    };
    return { image: await this.pushedImage(tag), run };
  }

  /** Pushes the builder's image to the registry once per tag; the reference the hosts pull. */
  private pushedImage(tag: string): Promise<string> {
    let ref = this.pushed.get(tag);
    if (!ref) {
      const registryUsed = this.registry();
      ref = registryUsed.then((registry) => {
        // No registry (yet: the image source is set at start): not remembered, so a later call pushes.
        if (!registry) this.pushed.delete(tag);
        return registry ? pushToRegistry(this.opts.builder, tag, registry) : tag;
      });
      this.pushed.set(tag, ref);
      ref.catch(() => {
        this.pushed.delete(tag);
        // Phleet's registry may have a new loopback port after a restart: looked up again next time (once).
        if (this.ownRegistry === registryUsed) this.ownRegistry = null;
      });
    }
    return ref;
  }

  /** The user's registry, else Phleet's own (started once), else none: the hosts must already hold the images. */
  private registry(): Promise<RegistryAddress | null> {
    if (this.opts.registry) return Promise.resolve(this.opts.registry);
    const own = this.opts.ownRegistry;
    const source = this.imageSource;
    if (!own || !source) return Promise.resolve(null);
    this.ownRegistry ??= startOwnRegistry(this.opts.builder, { ...own, image: () => source("registry"), hosts: this.hosts.map((h) => h.docker) });
    return this.ownRegistry;
  }

  /** Where the new service may run: away from the hosts of its layer's other nodes, or pinned when it has a volume. */
  private async constraints(spec: ContainerSpec): Promise<string[]> {
    const nodes = await this.nodes(true);
    const available = nodes.filter((n) => n.Status?.State === "ready" && n.Spec?.Availability === "active").map((n) => n.ID);
    if (spec.volumes?.length) {
      // Its data lives in a local volume: it stays on the host it starts on, the one with fewest managed tasks.
      const tasks = (await (await this.manager()).listTasks({ filters: { "desired-state": ["running"] } })) as SwarmTask[];
      const load = (id: string) => tasks.filter((t) => t.NodeID === id).length;
      const pinTo = [...available].sort((a, b) => load(a) - load(b))[0];
      return placementConstraints({ avoid: [], available, pinTo });
    }
    return spec.spreadOver ? this.spreadConstraints(spec.spreadOver, spec.name, available) : [];
  }

  /** Away from the hosts that run the other nodes matching `spreadOver` now, while some other host is ready. */
  private async spreadConstraints(spreadOver: Labels, name: string, available?: string[]): Promise<string[]> {
    available ??= (await this.nodes(true)).filter((n) => n.Status?.State === "ready" && n.Spec?.Availability === "active").map((n) => n.ID);
    const siblings = (await this.services(spreadOver)).filter((s) => s.Spec.Name !== name);
    const avoid: string[] = [];
    for (const s of siblings) {
      const t = currentTask(await this.tasksOf(s.ID));
      if (t?.NodeID) avoid.push(t.NodeID);
    }
    return placementConstraints({ avoid: [...new Set(avoid)], available });
  }

  /** New placement constraints: Swarm replaces the service's task with one placed under them. */
  private async setConstraints(svc: SwarmService, constraints: string[], what: string): Promise<void> {
    const template = (svc.Spec.TaskTemplate ?? {}) as Record<string, unknown>;
    try {
      await (await this.manager()).getService(svc.ID).update({ version: svc.Version.Index, ...svc.Spec, TaskTemplate: { ...template, Placement: { Constraints: constraints } } });
    } catch (err) {
      throw toRuntimeError(err, what);
    }
  }

  /**
   * A task no host can take under its service's constraints (they keep it away from hosts its layer used when it
   * was placed, and those hosts may be all that is left): the constraints of now, which ask for nothing when no
   * free host is ready, so that the node runs beside another of its layer rather than not at all. A database
   * node, pinned to the host that has its volume, is left pending. Whether the constraints changed.
   */
  private async relaxSpread(serviceId: string): Promise<boolean> {
    const svc = await this.service(serviceId);
    const raw = svc?.Spec.Labels?.[SPREAD_LABEL];
    if (!svc || !raw || pinnedToHost(svc)) return false;
    const current = (svc.Spec.TaskTemplate as { Placement?: { Constraints?: string[] } } | undefined)?.Placement?.Constraints ?? [];
    const constraints = await this.spreadConstraints(JSON.parse(raw) as Labels, svc.Spec.Name);
    if (JSON.stringify(constraints) === JSON.stringify(current)) return false;
    await this.setConstraints(svc, constraints, `place ${svc.Spec.Name} on the hosts that are left`);
    log.warn({ node: svc.Spec.Name, constraints }, "no host could take the node under its layer's spread: placed by the hosts that are left");
    return true;
  }

  /**
   * A new task that Swarm put on the host of another node of its layer while a free host is ready (see
   * breaksSpread) is moved before its gate opens, while it serves nothing yet: the service gets the layer's
   * constraints of now, and Swarm replaces the task. Otherwise one host's loss could take a whole layer.
   */
  private async respread(p: Placed): Promise<Placed> {
    const raw = p.service.Spec.Labels?.[SPREAD_LABEL];
    if (!raw || !p.task.NodeID) return p;
    const constraints = await this.spreadConstraints(JSON.parse(raw) as Labels, p.service.Spec.Name);
    if (!breaksSpread(p.task.NodeID, constraints)) return p;
    const svc = p.service;
    await this.setConstraints(svc, constraints, `move ${svc.Spec.Name} away from the host of another node of its layer`);
    log.info({ node: svc.Spec.Name, from: p.hostName, constraints }, "task moved away from a host its layer already uses");
    const deadline = Date.now() + PLACE_TIMEOUT_MS;
    for (;;) {
      const next = await this.placed(svc.ID);
      if (next && next.task.ID !== p.task.ID) return next;
      if (Date.now() > deadline) throw new RuntimeError(`Swarm did not run a new task of ${svc.Spec.Name} within ${PLACE_TIMEOUT_MS / 1000} s after moving it`, "timeout");
      await sleep(250);
    }
  }

  async createContainer(spec: ContainerSpec): Promise<ContainerState> {
    const manager = await this.manager();
    let service = (await this.services({ [LABEL.node]: spec.labels[LABEL.node] ?? "" })).find((s) => s.Spec.Name === spec.name) ?? null;
    if (!service) {
      const { image, run } = await this.imageFor(spec.image);
      const create = async () => {
        let created: SwarmService | null;
        try {
          const constraints = await this.constraints(spec);
          const res = (await manager.createService(serviceSpec(spec, { image, run, constraints }) as never)) as { id?: string; ID?: string };
          log.info({ node: spec.name, constraints }, "service created");
          created = await this.service(res.id ?? res.ID ?? spec.name);
        } catch (err) {
          throw toRuntimeError(err, `create service ${spec.name}`);
        }
        if (!created) throw new RuntimeError(`service ${spec.name} vanished right after it was created`, "not_found");
        // The next node of the layer is placed away from this one: only once Swarm has chosen this one's host.
        const id = created.ID;
        await waitFor("a host for the new task", async () => !!currentTask(await this.tasksOf(id))?.NodeID, { timeoutMs: 15_000, intervalMs: 100 }).catch(() => undefined);
        return created;
      };
      // Nodes that spread over each other are placed one after the other, each seeing where the last one went.
      service = spec.spreadOver ? await this.serially(JSON.stringify(spec.spreadOver), create) : await create();
    }
    const p = await this.waitPlaced(service.ID);
    if (!(await this.isGateOpen(p))) await this.provision(p, spec.files ?? []);
    return this.stateOf(p.service);
  }

  private readonly queues = new Map<string, Promise<unknown>>();
  private serially<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(fn, fn);
    this.queues.set(key, run.catch(() => undefined));
    return run;
  }

  private async scale(id: string, replicas: number): Promise<void> {
    const svc = await this.service(id);
    if (!svc) throw new RuntimeError(`no service ${id.slice(0, 12)} on the Swarm`, "not_found", 404);
    if ((svc.Spec.Mode?.Replicated?.Replicas ?? 1) === replicas) return;
    try {
      await (await this.manager()).getService(id).update({ version: svc.Version.Index, ...svc.Spec, Mode: { Replicated: { Replicas: replicas } } });
    } catch (err) {
      throw toRuntimeError(err, `scale ${svc.Spec.Name} to ${replicas}`);
    }
  }

  async startContainer(id: string): Promise<void> {
    await this.scale(id, 1);
    let p = await this.waitPlaced(id);
    if (await this.isGateOpen(p)) return;
    p = await this.respread(p);
    await this.provision(p);
    await this.openGate(p);
  }

  async stopContainer(id: string, timeoutSeconds = 10): Promise<void> {
    await this.scale(id, 0);
    const deadline = Date.now() + (timeoutSeconds + 20) * 1000;
    while ((await this.tasksOf(id)).some((t) => isUp(t))) {
      if (Date.now() > deadline) throw new RuntimeError(`service ${id.slice(0, 12)} still runs ${timeoutSeconds + 20} s after it was scaled to 0`, "timeout");
      await sleep(250);
    }
  }

  /** A new task (Swarm's own restart of a service): provisioned and started like any new one. */
  async restartContainer(id: string, timeoutSeconds = 10): Promise<void> {
    await this.stopContainer(id, timeoutSeconds);
    await this.startContainer(id);
  }

  async killContainer(id: string, signal = "SIGKILL"): Promise<void> {
    const p = await this.placed(id);
    if (p) await p.host.killContainer(p.containerId, signal);
  }

  /** In place on the running task (a service update would replace it); the provisioner sets them on later tasks. */
  async updateResources(id: string, limits: ResourceLimits): Promise<void> {
    const p = await this.waitPlaced(id);
    await p.host.updateResources(p.containerId, limits);
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await (await this.manager()).getService(id).remove();
    } catch (err) {
      if (statusOf(err) === 404) return;
      throw toRuntimeError(err, `remove service ${id.slice(0, 12)}`);
    }
  }

  async inspectContainer(id: string): Promise<ContainerState | null> {
    const svc = await this.service(id);
    return svc ? this.stateOf(svc) : null;
  }

  async listContainers(labels: Labels): Promise<ContainerState[]> {
    const services = await this.services(labels);
    return Promise.all(services.map((s) => this.stateOf(s)));
  }

  // ---- what happens inside a node: on its host's engine

  private async on<T>(id: string, fn: (p: Placed) => Promise<T>): Promise<T> {
    return fn(await this.waitPlaced(id, 60_000));
  }

  /**
   * Like an engine's exec into a created container, an exec into a task behind its gate is refused: a command
   * meant for a running node (`apache2ctl graceful` starts Apache when it is not running) must not start the
   * node's server before Phleet has provisioned it.
   */
  private async running(id: string): Promise<Placed> {
    const p = await this.waitPlaced(id, 60_000);
    if (!(await this.isGateOpen(p))) throw new RuntimeError(`${p.service.Spec.Name} is not started yet (its task waits for Phleet)`, "conflict", 409);
    return p;
  }

  async exec(id: string, cmd: string[], options?: ExecOptions): Promise<ExecResult> {
    const p = await this.running(id);
    return p.host.exec(p.containerId, cmd, options);
  }

  async openExec(id: string, cmd: string[], options: ExecSessionOptions): Promise<ExecSession> {
    const p = await this.running(id);
    return p.host.openExec(p.containerId, cmd, options);
  }

  writeFiles(id: string, files: FileSpec[]): Promise<void> {
    return this.on(id, (p) => p.host.writeFiles(p.containerId, files));
  }

  putArchive(id: string, dir: string, tar: Buffer | NodeJS.ReadableStream): Promise<void> {
    return this.on(id, (p) => p.host.putArchive(p.containerId, dir, tar));
  }

  readFile(id: string, path: string): Promise<string | null> {
    return this.on(id, (p) => p.host.readFile(p.containerId, path));
  }

  async followLogs(id: string, onLine: (line: LogLine) => void, options?: FollowLogsOptions): Promise<void> {
    const p = await this.placed(id);
    if (p) await p.host.followLogs(p.containerId, onLine, options);
  }

  async logsTail(id: string, lines: number): Promise<string> {
    const p = await this.placed(id);
    return p ? p.host.logsTail(p.containerId, lines) : "";
  }

  async readLogs(id: string, options?: ReadLogsOptions): Promise<LogLine[]> {
    const p = await this.placed(id);
    return p ? p.host.readLogs(p.containerId, options) : [];
  }

  async stats(id: string): Promise<ContainerStats | null> {
    const p = await this.placed(id).catch(() => null);
    return p ? p.host.stats(p.containerId) : null;
  }

  /**
   * Every host's container events, reported under the service's id, and a "die" for each node whose host the
   * Swarm sees go down (its container cannot report its own death).
   */
  async watchEvents(labels: Labels, onEvent: (e: EngineEvent) => void, signal: AbortSignal, containerActions?: string[]): Promise<void> {
    const perHost = this.hosts.map(async (h) => {
      while (!signal.aborted) {
        await h.rt
          .watchEvents(
            labels,
            (e) => {
              const service = e.labels[SWARM_SERVICE_LABEL];
              onEvent(service ? { ...e, id: service } : e);
            },
            signal,
            containerActions,
          )
          .catch(() => undefined);
        if (!signal.aborted) await sleep(2000);
      }
    });
    // Where each node ran at the last look: when a host is seen down, Swarm may already have moved its tasks.
    const lastHost = new Map<string, { node: string; labels: Labels }>();
    const lostHosts = (async () => {
      const down = new Set<string>();
      while (!signal.aborted) {
        try {
          const nodes = await this.nodes(true);
          for (const n of nodes) {
            // Only "down": after a leader change every node reads "unknown" for a few seconds.
            const isDown = n.Status?.State === "down";
            if (isDown && !down.has(n.ID)) {
              down.add(n.ID);
              for (const [service, at] of lastHost) {
                if (at.node !== n.ID) continue;
                lastHost.delete(service);
                onEvent({ type: "container", action: "die", id: service, labels: at.labels, time: Date.now(), exitCode: 137 });
              }
            } else if (!isDown) down.delete(n.ID);
          }
          const services = new Map((await this.services(labels)).map((s) => [s.ID, s]));
          const tasks = (await (await this.manager()).listTasks({ filters: { "desired-state": ["running"] } })) as SwarmTask[];
          for (const t of tasks) {
            const s = services.get(t.ServiceID);
            if (s && t.NodeID && isUp(t) && !down.has(t.NodeID)) lastHost.set(s.ID, { node: t.NodeID, labels: s.Spec.Labels ?? {} });
          }
        } catch {
          // no manager answered this time; the next round asks again
        }
        await sleep(1000);
      }
    })();
    await Promise.all([...perHost, lostHosts]);
  }

  // ---- images: built on the control plane's engine, pushed for the hosts

  imageLabels(ref: string): Promise<Labels | null> {
    return this.builder.imageLabels(ref);
  }

  buildImage(contextTar: NodeJS.ReadableStream, tag: string, labels: Labels, onProgress?: ImageBuildProgress, options?: { noCache?: boolean }): Promise<void> {
    return this.builder.buildImage(contextTar, tag, labels, onProgress, options);
  }

  removeImage(ref: string): Promise<void> {
    return this.builder.removeImage(ref);
  }
}
