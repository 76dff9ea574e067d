import Docker from "dockerode";
import { PassThrough } from "node:stream";
import { RuntimeError } from "../errors";
import type {
  ContainerStats,
  EngineEvent,
  FollowLogsOptions,
  LogLine,
  ContainerRuntime,
  ContainerSpec,
  ContainerState,
  ExecOptions,
  ExecResult,
  ExecSession,
  ExecSessionOptions,
  FileSpec,
  ImageBuildProgress,
  Labels,
  NetworkSpec,
  NetworkState,
  ReadLogsOptions,
  ResourceLimits,
  VolumeSpec,
  VolumeState,
} from "../types";
import { LABEL } from "../labels";
import { firstFileOf, tarOf } from "./archive";
import { CgroupStats } from "./cgroup-stats";
import { statusOf, toRuntimeError } from "./engine-errors";
import { engineResources, hardenedHostConfig } from "./host-limits";
import { adoptableNetwork } from "./network-ownership";
import { fromInspect, fromSummary } from "./state";
import { compareLogTimestamps } from "../log-timestamps";
import { pipeLogLines, splitFramedLog, toEngineSince } from "./streams";
import { openExecSession } from "./exec-session";

const labelFilter = (labels: Labels) => Object.entries(labels).map(([k, v]) => `${k}=${v}`);

/** ContainerRuntime over the Docker Engine API (dockerode). 304 and 404 answers count as "already done". */
export class DockerRuntime implements ContainerRuntime {
  readonly addressing = "ip" as const;
  readonly instancesAreReplaced = false;
  private readonly cgroups = new CgroupStats();
  /** `overlay`: the networks it makes span a Swarm's hosts (attachable, so a one-off container can join them too). */
  constructor(
    private readonly docker: Docker = new Docker(),
    private readonly networkDriver: "bridge" | "overlay" = "bridge",
  ) {}

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (err) {
      throw toRuntimeError(err, "ping");
    }
  }

  async ensureNetwork(spec: NetworkSpec): Promise<NetworkState> {
    const existing = (await this.listNetworks()).find((n) => n.name === spec.name);
    if (existing) return adoptableNetwork(existing, spec);
    try {
      const net = await this.docker.createNetwork({
        Name: spec.name,
        Driver: this.networkDriver,
        ...(this.networkDriver === "overlay" ? { Attachable: true } : {}),
        CheckDuplicate: true,
        Labels: spec.labels,
        IPAM: { Driver: "default", Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }] },
      });
      const info = (await net.inspect()) as { Id: string; Name: string; Labels?: Labels };
      return { id: info.Id, name: info.Name, labels: info.Labels ?? {}, subnets: [spec.subnet] };
    } catch (err) {
      throw toRuntimeError(err, `create network ${spec.name}`);
    }
  }

  async removeNetwork(name: string): Promise<void> {
    try {
      await this.docker.getNetwork(name).remove();
    } catch (err) {
      if (statusOf(err) === 404) return;
      throw toRuntimeError(err, `remove network ${name}`);
    }
  }

  async listNetworks(labels?: Labels): Promise<NetworkState[]> {
    try {
      const nets = await this.docker.listNetworks(labels ? { filters: { label: labelFilter(labels) } } : {});
      return nets.map((n) => ({
        id: n.Id,
        name: n.Name,
        labels: n.Labels ?? {},
        subnets: (n.IPAM?.Config ?? []).map((c) => (c as { Subnet?: string }).Subnet).filter((s): s is string => !!s),
      }));
    } catch (err) {
      throw toRuntimeError(err, "list networks");
    }
  }

  async ensureVolume(spec: VolumeSpec): Promise<VolumeState> {
    try {
      const existing = (await this.docker.getVolume(spec.name).inspect()) as { Name: string; Labels?: Labels | null };
      return { name: existing.Name, labels: existing.Labels ?? {} };
    } catch (err) {
      if (statusOf(err) !== 404) throw toRuntimeError(err, `inspect volume ${spec.name}`);
    }
    try {
      await this.docker.createVolume({ Name: spec.name, Driver: "local", Labels: spec.labels });
      return { name: spec.name, labels: spec.labels };
    } catch (err) {
      throw toRuntimeError(err, `create volume ${spec.name}`);
    }
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (err) {
      if (statusOf(err) === 404) return;
      throw toRuntimeError(err, `remove volume ${name}`);
    }
  }

  async listVolumes(labels: Labels): Promise<VolumeState[]> {
    try {
      const res = (await this.docker.listVolumes({ filters: { label: labelFilter(labels) } })) as { Volumes?: { Name: string; Labels?: Labels | null }[] | null };
      return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
    } catch (err) {
      throw toRuntimeError(err, "list volumes");
    }
  }

  async createContainer(spec: ContainerSpec): Promise<ContainerState> {
    for (const v of spec.volumes ?? []) await this.ensureVolume(v);
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of spec.publish ?? []) {
      exposed[`${p.containerPort}/tcp`] = {};
      bindings[`${p.containerPort}/tcp`] = [{ HostIp: p.hostIp, HostPort: String(p.hostPort) }];
    }
    let id: string;
    try {
      const c = await this.docker.createContainer({
        name: spec.name,
        Hostname: spec.hostname,
        Image: spec.image,
        Labels: spec.labels,
        Env: spec.env,
        Cmd: spec.cmd,
        ExposedPorts: exposed,
        HostConfig: {
          NetworkMode: spec.network.name,
          RestartPolicy: { Name: spec.restartPolicy ?? "unless-stopped" },
          PortBindings: bindings,
          Mounts: (spec.volumes ?? []).map((v) => ({ Type: "volume" as const, Source: v.name, Target: v.target })),
          LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
          ...hardenedHostConfig(spec.resources),
        },
        NetworkingConfig: {
          EndpointsConfig: {
            [spec.network.name]: { IPAMConfig: { IPv4Address: spec.network.ip }, Aliases: spec.network.aliases },
          },
        },
      });
      id = c.id;
    } catch (err) {
      if (statusOf(err) !== 409) throw toRuntimeError(err, `create container ${spec.name}`);
      // The name is taken: adopt it only when it is the same node (an interrupted earlier attempt).
      const existing = await this.inspectContainer(spec.name);
      if (!existing || existing.labels[LABEL.node] !== spec.labels[LABEL.node]) {
        throw toRuntimeError(err, `create container ${spec.name}`);
      }
      id = existing.id;
    }
    if (spec.files?.length) await this.writeFiles(id, spec.files);
    const state = await this.inspectContainer(id);
    if (!state) throw new RuntimeError(`container ${spec.name} vanished right after it was created`, "not_found");
    return state;
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      if (statusOf(err) === 304) return;
      throw toRuntimeError(err, `start ${id.slice(0, 12)}`);
    }
  }

  async stopContainer(id: string, timeoutSeconds = 10): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: timeoutSeconds });
    } catch (err) {
      if (statusOf(err) === 304) return;
      throw toRuntimeError(err, `stop ${id.slice(0, 12)}`);
    }
  }

  async restartContainer(id: string, timeoutSeconds = 10): Promise<void> {
    try {
      await this.docker.getContainer(id).restart({ t: timeoutSeconds });
    } catch (err) {
      throw toRuntimeError(err, `restart ${id.slice(0, 12)}`);
    }
  }

  async killContainer(id: string, signal = "SIGKILL"): Promise<void> {
    try {
      await this.docker.getContainer(id).kill({ signal });
    } catch (err) {
      if (statusOf(err) === 409 || statusOf(err) === 304) return; // not running
      throw toRuntimeError(err, `kill ${id.slice(0, 12)}`);
    }
  }

  async updateResources(id: string, limits: ResourceLimits): Promise<void> {
    try {
      await this.docker.getContainer(id).update(engineResources(limits));
    } catch (err) {
      throw toRuntimeError(err, `update limits of ${id.slice(0, 12)}`);
    }
  }

  async removeContainer(id: string): Promise<void> {
    this.cgroups.forget(id);
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      if (statusOf(err) === 404) return;
      // 409 "removal already in progress" is someone else finishing the same job.
      if (statusOf(err) === 409 && /already in progress/i.test(String((err as Error).message))) return;
      throw toRuntimeError(err, `remove ${id.slice(0, 12)}`);
    }
  }

  async inspectContainer(id: string): Promise<ContainerState | null> {
    try {
      return fromInspect(await this.docker.getContainer(id).inspect());
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw toRuntimeError(err, `inspect ${id.slice(0, 12)}`);
    }
  }

  async listContainers(labels: Labels): Promise<ContainerState[]> {
    try {
      const list = await this.docker.listContainers({ all: true, filters: { label: labelFilter(labels) } });
      return list.map(fromSummary);
    } catch (err) {
      throw toRuntimeError(err, "list containers");
    }
  }

  async exec(id: string, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    try {
      const exec = await this.docker.getContainer(id).exec({
        Cmd: cmd,
        AttachStdout: true,
        AttachStderr: true,
        User: options.user,
        Env: options.env,
      });
      const stream = await exec.start({ hijack: true, stdin: false });
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      stdout.on("data", (c: Buffer) => out.push(c));
      stderr.on("data", (c: Buffer) => err.push(c));
      this.docker.modem.demuxStream(stream, stdout, stderr);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          stream.destroy();
          reject(new RuntimeError(`exec ${cmd[0]} in ${id.slice(0, 12)} took longer than ${timeoutMs} ms`, "timeout"));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        stream.on("end", done);
        stream.on("close", done);
        stream.on("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      const info = await exec.inspect();
      return {
        exitCode: info.ExitCode ?? -1,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      };
    } catch (e) {
      throw toRuntimeError(e, `exec ${cmd[0]} in ${id.slice(0, 12)}`);
    }
  }

  openExec(id: string, cmd: string[], options: ExecSessionOptions): Promise<ExecSession> {
    return openExecSession(this.docker, id, cmd, options);
  }

  async readLogs(id: string, options: ReadLogsOptions = {}): Promise<LogLine[]> {
    const lines: LogLine[] = [];
    try {
      const buf = (await this.docker.getContainer(id).logs({
        follow: false,
        stdout: !options.stderrOnly,
        stderr: true,
        timestamps: true,
        ...(options.since ? { since: toEngineSince(options.since) as unknown as number } : {}),
        ...(options.tail !== undefined ? { tail: options.tail } : {}),
      })) as unknown as Buffer;
      splitFramedLog(buf, (line) => lines.push(line));
      return lines;
    } catch (err) {
      if (statusOf(err) === 404) return [];
      throw toRuntimeError(err, `read logs of ${id.slice(0, 12)}`);
    }
  }

  async writeFiles(id: string, files: FileSpec[]): Promise<void> {
    try {
      await this.docker.getContainer(id).putArchive(await tarOf(files), { path: "/" });
    } catch (err) {
      throw toRuntimeError(err, `write files into ${id.slice(0, 12)}`);
    }
  }

  async putArchive(id: string, dir: string, tar: Buffer | NodeJS.ReadableStream): Promise<void> {
    try {
      await this.docker.getContainer(id).putArchive(tar, { path: dir });
    } catch (err) {
      throw toRuntimeError(err, `copy an archive into ${dir} of ${id.slice(0, 12)}`);
    }
  }

  async readFile(id: string, path: string): Promise<string | null> {
    try {
      const stream = await this.docker.getContainer(id).getArchive({ path });
      return await firstFileOf(stream);
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw toRuntimeError(err, `read ${path} from ${id.slice(0, 12)}`);
    }
  }

  async followLogs(id: string, onLine: (line: LogLine) => void, options: FollowLogsOptions = {}): Promise<void> {
    let raw: NodeJS.ReadableStream;
    try {
      const since = options.after
        ? toEngineSince(options.after)
        : options.sinceSeconds !== undefined
          ? String(Math.floor(Date.now() / 1000) - options.sinceSeconds)
          : undefined;
      raw = (await this.docker.getContainer(id).logs({
        follow: true,
        stdout: !options.stderrOnly,
        stderr: true,
        timestamps: true,
        ...(since ? { since: since as unknown as number } : {}),
        ...(options.tail !== undefined ? { tail: options.tail } : {}),
      })) as unknown as NodeJS.ReadableStream;
    } catch (err) {
      throw toRuntimeError(err, `follow logs of ${id.slice(0, 12)}`);
    }
    const abort = () => (raw as unknown as { destroy?: () => void }).destroy?.();
    options.signal?.addEventListener("abort", abort, { once: true });
    let after = options.after;
    try {
      // `since` has whole-line precision at best: the cursor check drops the lines up to the one it points at.
      // Only the leading lines: once past the cursor, every line is new, even if the clock stepped back.
      await pipeLogLines(raw, (line) => {
        if (after && compareLogTimestamps(line.timestamp, after) <= 0) return;
        after = undefined;
        onLine(line);
      });
    } finally {
      options.signal?.removeEventListener("abort", abort);
    }
  }

  async logsTail(id: string, lines: number): Promise<string> {
    try {
      const buf = (await this.docker.getContainer(id).logs({ follow: false, stdout: true, stderr: true, tail: lines })) as unknown as Buffer;
      // Non-TTY logs are framed: 8-byte headers before each chunk.
      const parts: string[] = [];
      for (let i = 0; i + 8 <= buf.length; ) {
        const size = buf.readUInt32BE(i + 4);
        parts.push(buf.subarray(i + 8, i + 8 + size).toString("utf8"));
        i += 8 + size;
      }
      return parts.join("");
    } catch (err) {
      if (statusOf(err) === 404) return "";
      throw toRuntimeError(err, `read logs of ${id.slice(0, 12)}`);
    }
  }

  /** From the container's cgroup files when they are on this machine (cgroup-stats.ts), else from the engine. */
  async stats(id: string): Promise<ContainerStats | null> {
    const local = this.cgroups.read(id);
    if (local) return local;
    try {
      const s = (await this.docker.getContainer(id).stats({ stream: false })) as unknown as Docker.ContainerStats;
      const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
      const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
      const cpus = s.cpu_stats?.online_cpus || s.cpu_stats?.cpu_usage?.percpu_usage?.length || 1;
      const cpuPercent = sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0;
      const cache = (s.memory_stats?.stats as Record<string, number> | undefined)?.inactive_file ?? 0;
      return {
        cpuPercent: Math.round(cpuPercent * 100) / 100,
        memoryBytes: Math.max(0, (s.memory_stats?.usage ?? 0) - cache),
        memoryLimitBytes: s.memory_stats?.limit ?? 0,
      };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw toRuntimeError(err, `stats of ${id.slice(0, 12)}`);
    }
  }

  async watchEvents(labels: Labels, onEvent: (e: EngineEvent) => void, signal: AbortSignal, containerActions?: string[]): Promise<void> {
    let raw: NodeJS.ReadableStream;
    const only = containerActions ? { type: ["container" as const], event: containerActions } : {};
    try {
      raw = (await this.docker.getEvents({ filters: { label: labelFilter(labels), ...only } })) as unknown as NodeJS.ReadableStream;
    } catch (err) {
      throw toRuntimeError(err, "watch engine events");
    }
    const abort = () => (raw as unknown as { destroy?: () => void }).destroy?.();
    signal.addEventListener("abort", abort, { once: true });
    let buf = "";
    raw.on("data", (chunk: Buffer) => {
      buf += chunk.toString("utf8");
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        try {
          const e = JSON.parse(line) as { Type: string; Action: string; Actor: { ID: string; Attributes?: Record<string, string> }; timeNano?: number; time?: number };
          const attrs = e.Actor?.Attributes ?? {};
          onEvent({
            type: e.Type,
            action: e.Action,
            id: e.Actor?.ID,
            labels: attrs,
            time: e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000,
            exitCode: attrs.exitCode !== undefined ? Number(attrs.exitCode) : undefined,
          });
        } catch {
          /* a partial or foreign line */
        }
      }
    });
    await new Promise<void>((resolve) => {
      raw.on("end", () => resolve());
      raw.on("close", () => resolve());
      raw.on("error", () => resolve());
    });
    signal.removeEventListener("abort", abort);
  }

  async imageLabels(ref: string): Promise<Labels | null> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      return info.Config?.Labels ?? {};
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw toRuntimeError(err, `inspect image ${ref}`);
    }
  }

  async buildImage(
    contextTar: NodeJS.ReadableStream,
    tag: string,
    labels: Labels,
    onProgress?: ImageBuildProgress,
    options: { noCache?: boolean } = {},
  ): Promise<void> {
    try {
      const stream = await this.docker.buildImage(contextTar, { t: tag, labels, rm: true, forcerm: true, nocache: options.noCache ?? false });
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(
          stream,
          (err: Error | null, events: { error?: string }[]) => {
            const failed = err?.message ?? events.find((e) => e.error)?.error;
            if (failed) reject(new RuntimeError(`build ${tag}: ${failed}`, "failed"));
            else resolve();
          },
          (event: { stream?: string; status?: string; error?: string }) => {
            const line = (event.stream ?? event.status ?? event.error ?? "").trimEnd();
            if (line && onProgress) onProgress(line);
          },
        );
      });
    } catch (err) {
      throw toRuntimeError(err, `build ${tag}`);
    }
  }

  async removeImage(ref: string): Promise<void> {
    try {
      await this.docker.getImage(ref).remove({ force: true });
    } catch (err) {
      if (statusOf(err) === 404) return;
      throw toRuntimeError(err, `remove image ${ref}`);
    }
  }
}
