import crypto from "node:crypto";
import { extract } from "tar-stream";
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
  FileSpec,
  Labels,
  LogLine,
  NetworkSpec,
  NetworkState,
  ResourceLimits,
  VolumeSpec,
  VolumeState,
} from "../types";

/**
 * ContainerRuntime in memory, for fast unit tests of the services above the runtime (scale, heal,
 * reconcile, rolling restart, config saves). Containers are records with a file system map; exec answers
 * exit 0 unless a test installs a handler. It proves how services drive a runtime, never that a real
 * engine or real PHP does what they expect: that is the integration suite's job.
 */

export interface MemoryContainer {
  id: string;
  name: string;
  spec: ContainerSpec;
  files: Map<string, string>;
  running: boolean;
  status: ContainerState["status"];
  startedAt: string | null;
  starts: number;
}

/** Decides an exec's answer; undefined falls through to exit 0. May be async (to hold a step open). */
export type ExecHandler = (c: MemoryContainer, cmd: string[], options: ExecOptions) => ExecResult | undefined | Promise<ExecResult | undefined>;

const ok: ExecResult = { exitCode: 0, stdout: "", stderr: "" };
const matches = (labels: Labels, want: Labels) => Object.entries(want).every(([k, v]) => labels[k] === v);

export class MemoryRuntime implements ContainerRuntime {
  readonly addressing = "ip" as const;
  readonly instancesAreReplaced = false;
  readonly containers = new Map<string, MemoryContainer>();
  readonly networks = new Map<string, NetworkState>();
  readonly images = new Map<string, Labels>();
  /** Named volumes by name; they outlive the containers that mount them, as on the engine. */
  readonly volumes = new Map<string, VolumeState>();
  /** Every exec, in order, for assertions. */
  readonly execLog: { container: string; cmd: string[] }[] = [];
  execHandler: ExecHandler | null = null;
  /** What a container reports once started: healthy ("running") unless a test decides otherwise. */
  healthAfterStart: (c: MemoryContainer) => "running" | "starting" | "unhealthy" = () => "running";
  private listeners: { labels: Labels; onEvent: (e: EngineEvent) => void }[] = [];
  private clock = Date.parse("2026-01-01T00:00:00Z");

  /** A container by name (the Docker name Phleet gives it) or id. */
  container(nameOrId: string): MemoryContainer {
    const c = this.containers.get(nameOrId) ?? [...this.containers.values()].find((x) => x.name === nameOrId);
    if (!c) throw new Error(`no container ${nameOrId}`);
    return c;
  }

  byLabel(labels: Labels): MemoryContainer[] {
    return [...this.containers.values()].filter((c) => matches(c.spec.labels, labels));
  }

  /** Simulates the container dying (a crash or `docker kill`): it stops and a `die` event goes out. */
  crash(id: string, exitCode = 137): void {
    const c = this.container(id);
    c.running = false;
    c.status = "stopped";
    this.emit(c, "die", exitCode);
  }

  async ping(): Promise<void> {}

  async ensureNetwork(spec: NetworkSpec): Promise<NetworkState> {
    const existing = [...this.networks.values()].find((n) => n.name === spec.name);
    if (existing) return existing;
    const net: NetworkState = { id: crypto.randomUUID(), name: spec.name, labels: spec.labels, subnets: [spec.subnet] };
    this.networks.set(net.id, net);
    return net;
  }

  async removeNetwork(nameOrId: string): Promise<void> {
    for (const [id, n] of this.networks) if (id === nameOrId || n.name === nameOrId) this.networks.delete(id);
  }

  async listNetworks(labels: Labels = {}): Promise<NetworkState[]> {
    return [...this.networks.values()].filter((n) => matches(n.labels, labels));
  }

  async ensureVolume(spec: VolumeSpec): Promise<VolumeState> {
    const existing = this.volumes.get(spec.name);
    if (existing) return existing;
    const v = { name: spec.name, labels: spec.labels };
    this.volumes.set(v.name, v);
    return v;
  }

  async removeVolume(name: string): Promise<void> {
    if ([...this.containers.values()].some((c) => c.spec.volumes?.some((v) => v.name === name))) {
      throw new RuntimeError(`volume ${name} is in use`, "conflict", 409);
    }
    this.volumes.delete(name);
  }

  async listVolumes(labels: Labels): Promise<VolumeState[]> {
    return [...this.volumes.values()].filter((v) => matches(v.labels, labels));
  }

  async createContainer(spec: ContainerSpec): Promise<ContainerState> {
    for (const v of spec.volumes ?? []) await this.ensureVolume(v);
    let c = [...this.containers.values()].find((x) => x.name === spec.name);
    if (c && c.spec.labels[LABEL.node] !== spec.labels[LABEL.node]) throw new RuntimeError(`name ${spec.name} is taken`, "conflict", 409);
    if (!c) {
      if (![...this.networks.values()].some((n) => n.name === spec.network.name)) throw new RuntimeError(`network ${spec.network.name} not found`, "not_found", 404);
      c = { id: crypto.randomBytes(32).toString("hex"), name: spec.name, spec, files: new Map(), running: false, status: "created", startedAt: null, starts: 0 };
      this.containers.set(c.id, c);
    }
    for (const f of spec.files ?? []) c.files.set(f.path, f.content);
    if (spec.resources) this.limits.set(c.id, spec.resources);
    return this.state(c);
  }

  async startContainer(id: string): Promise<void> {
    const c = this.get(id);
    if (c.running) return;
    c.running = true;
    c.starts += 1;
    c.status = this.healthAfterStart(c);
    c.startedAt = new Date((this.clock += 1000)).toISOString();
    this.emit(c, "start");
  }

  async stopContainer(id: string): Promise<void> {
    const c = this.get(id);
    if (!c.running) return;
    c.running = false;
    c.status = "stopped";
    this.emit(c, "die", 0);
  }

  async restartContainer(id: string): Promise<void> {
    await this.stopContainer(id);
    await this.startContainer(id);
  }

  async killContainer(id: string): Promise<void> {
    this.crash(id);
  }

  /** The limits each container was last given (at creation or by a live update). */
  readonly limits = new Map<string, ResourceLimits>();

  async updateResources(id: string, limits: ResourceLimits): Promise<void> {
    this.limits.set(this.get(id).id, limits);
  }

  async removeContainer(id: string): Promise<void> {
    this.containers.delete(this.get(id).id);
  }

  async inspectContainer(id: string): Promise<ContainerState | null> {
    const c = this.containers.get(id) ?? [...this.containers.values()].find((x) => x.name === id);
    return c ? this.state(c) : null;
  }

  async listContainers(labels: Labels): Promise<ContainerState[]> {
    return this.byLabel(labels).map((c) => this.state(c));
  }

  async exec(id: string, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const c = this.get(id);
    if (!c.running) throw new RuntimeError(`container ${c.name} is not running`, "conflict", 409);
    this.execLog.push({ container: c.name, cmd });
    return (await this.execHandler?.(c, cmd, options)) ?? ok;
  }

  /** A session whose process ends at once with no output (no test here drives a terminal in memory). */
  async openExec(id: string, cmd: string[]): Promise<ExecSession> {
    const c = this.get(id);
    if (!c.running) throw new RuntimeError(`container ${c.name} is not running`, "conflict", 409);
    this.execLog.push({ container: c.name, cmd });
    return { onData: () => undefined, write: () => undefined, resize: async () => undefined, close: () => undefined, exited: Promise.resolve(0) };
  }

  async readLogs(): Promise<LogLine[]> {
    return [];
  }

  async writeFiles(id: string, files: FileSpec[]): Promise<void> {
    const c = this.get(id);
    for (const f of files) c.files.set(f.path, f.content);
  }

  /** Unpacks the tar's regular files into the container's file map under `dir` (links and folders are not kept). */
  async putArchive(id: string, dir: string, tar: Buffer | NodeJS.ReadableStream): Promise<void> {
    const c = this.get(id);
    const ex = extract();
    ex.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (d: unknown) => chunks.push(d as Buffer));
      stream.on("end", () => {
        if (header.type === "file") c.files.set(`${dir.replace(/\/$/, "")}/${header.name}`, Buffer.concat(chunks).toString("utf8"));
        next();
      });
      stream.resume();
    });
    await new Promise<void>((resolve, reject) => {
      ex.on("finish", resolve);
      ex.on("error", reject);
      if (Buffer.isBuffer(tar)) ex.end(tar);
      else tar.pipe(ex);
    });
  }

  async readFile(id: string, path: string): Promise<string | null> {
    return this.get(id).files.get(path) ?? null;
  }

  async followLogs(_id: string, _onLine: (line: LogLine) => void, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (options.signal?.aborted) return;
    await new Promise<void>((resolve) => options.signal?.addEventListener("abort", () => resolve(), { once: true }));
  }

  async logsTail(): Promise<string> {
    return "";
  }

  async stats(id: string): Promise<ContainerStats | null> {
    return this.get(id).running ? { cpuPercent: 0, memoryBytes: 0, memoryLimitBytes: 0 } : null;
  }

  async watchEvents(labels: Labels, onEvent: (e: EngineEvent) => void, signal: AbortSignal, containerActions?: string[]): Promise<void> {
    const listener = { labels, onEvent: (e: EngineEvent) => (!containerActions || (e.type === "container" && containerActions.includes(e.action)) ? onEvent(e) : undefined) };
    this.listeners.push(listener);
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    this.listeners = this.listeners.filter((l) => l !== listener);
  }

  async imageLabels(ref: string): Promise<Labels | null> {
    return this.images.get(ref) ?? null;
  }

  async buildImage(_context: NodeJS.ReadableStream, tag: string, labels: Labels): Promise<void> {
    this.images.set(tag, labels);
  }

  async removeImage(ref: string): Promise<void> {
    this.images.delete(ref);
  }

  private get(id: string): MemoryContainer {
    const c = this.containers.get(id) ?? [...this.containers.values()].find((x) => x.name === id);
    if (!c) throw new RuntimeError(`no such container: ${id}`, "not_found", 404);
    return c;
  }

  private emit(c: MemoryContainer, action: string, exitCode?: number) {
    const e: EngineEvent = { type: "container", action, id: c.id, labels: c.spec.labels, time: Date.now(), exitCode };
    for (const l of this.listeners) if (matches(c.spec.labels, l.labels)) l.onEvent(e);
  }

  private state(c: MemoryContainer): ContainerState {
    return {
      id: c.id,
      name: c.name,
      image: c.spec.image,
      labels: c.spec.labels,
      status: c.status,
      running: c.running,
      health: c.running ? (c.status === "running" ? "healthy" : c.status === "unhealthy" ? "unhealthy" : "starting") : null,
      ips: { [c.spec.network.name]: c.spec.network.ip },
      exitCode: c.running ? null : 0,
      startedAt: c.startedAt,
      finishedAt: null,
      restartCount: 0,
      error: null,
      ports: (c.spec.publish ?? []).map((p) => ({ containerPort: p.containerPort, protocol: "tcp", hostIp: p.hostIp, hostPort: p.hostPort })),
    };
  }
}
