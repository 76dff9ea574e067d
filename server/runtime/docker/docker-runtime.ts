import Docker from "dockerode";
import { PassThrough } from "node:stream";
import { RuntimeError } from "../errors";
import type {
  ContainerRuntime,
  ContainerSpec,
  ContainerState,
  ExecOptions,
  ExecResult,
  FileSpec,
  ImageBuildProgress,
  Labels,
  NetworkSpec,
  NetworkState,
} from "../types";
import { LABEL } from "../labels";
import { firstFileOf, tarOf } from "./archive";
import { statusOf, toRuntimeError } from "./engine-errors";
import { fromInspect, fromSummary } from "./state";

const labelFilter = (labels: Labels) => Object.entries(labels).map(([k, v]) => `${k}=${v}`);

/** ContainerRuntime over the Docker Engine API (dockerode). 304 and 404 answers count as "already done". */
export class DockerRuntime implements ContainerRuntime {
  constructor(private readonly docker: Docker = new Docker()) {}

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (err) {
      throw toRuntimeError(err, "ping");
    }
  }

  async ensureNetwork(spec: NetworkSpec): Promise<NetworkState> {
    const existing = (await this.listNetworks()).find((n) => n.name === spec.name);
    if (existing) return existing;
    try {
      const net = await this.docker.createNetwork({
        Name: spec.name,
        Driver: "bridge",
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

  async createContainer(spec: ContainerSpec): Promise<ContainerState> {
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
          LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
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

  async removeContainer(id: string): Promise<void> {
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

  async writeFiles(id: string, files: FileSpec[]): Promise<void> {
    try {
      await this.docker.getContainer(id).putArchive(await tarOf(files), { path: "/" });
    } catch (err) {
      throw toRuntimeError(err, `write files into ${id.slice(0, 12)}`);
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

  async imageLabels(ref: string): Promise<Labels | null> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      return info.Config?.Labels ?? {};
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw toRuntimeError(err, `inspect image ${ref}`);
    }
  }

  async buildImage(contextTar: NodeJS.ReadableStream, tag: string, labels: Labels, onProgress?: ImageBuildProgress): Promise<void> {
    try {
      const stream = await this.docker.buildImage(contextTar, { t: tag, labels, rm: true, forcerm: true });
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
