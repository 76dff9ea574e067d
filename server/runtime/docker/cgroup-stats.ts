import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ContainerStats } from "../types";

/**
 * CPU and memory of a container of the engine on this machine, read from its cgroup files: a few file reads instead
 * of the engine's stats endpoint (an HTTP request, a 3 KB answer, and 2-3 ms of control-plane CPU each; the
 * statistics poll asks for every node). Found only where the files are: the engine runs here, with the cgroupfs or
 * the systemd driver, cgroup v1 or v2. A remote engine, or a Swarm host in docker-in-docker (its containers' cgroups
 * sit under its own), reads null here, and the engine answers instead.
 *
 * CPU is the share of one CPU since the previous reading of the same container (the engine's figure is over about
 * a second), so the first reading of a container, and one after a restart, answer null too.
 */

interface Sample {
  cpuNs: number;
  atNs: bigint;
}

interface Dirs {
  version: 1 | 2;
  /** v2: the one directory; v1: the memory controller's. */
  memory: string;
  /** v1: the cpuacct controller's (v2: the same directory as memory). */
  cpu: string;
}

/** Readings closer together than this give no CPU figure (too short to mean anything). */
const MIN_INTERVAL_NS = 200_000_000n;
/** cgroup v1 writes this (page-rounded 2^63 - 1) for "no limit"; v2 writes "max". */
const UNLIMITED_V1 = 2n ** 62n;

function readText(file: string): string {
  return fs.readFileSync(file, "utf8");
}

function statValue(text: string, key: string): number | undefined {
  const m = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  return m ? Number(m[1]) : undefined;
}

export class CgroupStats {
  private readonly dirs = new Map<string, Dirs>();
  private readonly last = new Map<string, Sample>();

  constructor(
    private readonly root = "/sys/fs/cgroup",
    private readonly nowNs: () => bigint = () => process.hrtime.bigint(),
  ) {}

  /** Null when the container's cgroup is not on this machine, or no CPU figure can be given yet. */
  read(id: string): ContainerStats | null {
    const dirs = this.locate(id);
    if (!dirs) return null;
    let cpuNs: number;
    let memoryBytes: number;
    let memoryLimitBytes: number;
    try {
      ({ cpuNs, memoryBytes, memoryLimitBytes } = dirs.version === 2 ? this.readV2(dirs) : this.readV1(dirs));
    } catch {
      // Stopped or removed meanwhile: look again next time (a new container, a new directory).
      this.dirs.delete(id);
      this.last.delete(id);
      return null;
    }
    const atNs = this.nowNs();
    const prev = this.last.get(id);
    if (prev && atNs - prev.atNs < MIN_INTERVAL_NS) return null;
    this.last.set(id, { cpuNs, atNs });
    // No earlier reading, or the counter went back (the container restarted): no CPU figure from the files.
    if (!prev || cpuNs < prev.cpuNs) return null;
    const cpuPercent = ((cpuNs - prev.cpuNs) / Number(atNs - prev.atNs)) * 100;
    return { cpuPercent: Math.round(cpuPercent * 100) / 100, memoryBytes, memoryLimitBytes };
  }

  /** Forget a container (removed): its directory and last reading. */
  forget(id: string): void {
    this.dirs.delete(id);
    this.last.delete(id);
  }

  private locate(id: string): Dirs | null {
    const known = this.dirs.get(id);
    if (known) return known;
    if (!/^[0-9a-f]{64}$/.test(id)) return null;
    const found = this.find(id);
    // Not found is not cached: the engine may create the directory a moment after it answered "started".
    if (found) this.dirs.set(id, found);
    return found;
  }

  private find(id: string): Dirs | null {
    const isDir = (p: string) => {
      try {
        return fs.statSync(p).isDirectory();
      } catch {
        return false;
      }
    };
    const leaves = [path.join("docker", id), path.join("system.slice", `docker-${id}.scope`)];
    if (fs.existsSync(path.join(this.root, "cgroup.controllers"))) {
      for (const leaf of leaves) {
        const dir = path.join(this.root, leaf);
        if (isDir(dir)) return { version: 2, memory: dir, cpu: dir };
      }
      return null;
    }
    for (const leaf of leaves) {
      const memory = path.join(this.root, "memory", leaf);
      const cpu = ["cpuacct", "cpu,cpuacct"].map((c) => path.join(this.root, c, leaf)).find(isDir);
      if (cpu && isDir(memory)) return { version: 1, memory, cpu };
    }
    return null;
  }

  private readV1(d: Dirs) {
    const cpuNs = Number(readText(path.join(d.cpu, "cpuacct.usage")).trim());
    const usage = Number(readText(path.join(d.memory, "memory.usage_in_bytes")).trim());
    const stat = readText(path.join(d.memory, "memory.stat"));
    const inactive = statValue(stat, "total_inactive_file") ?? statValue(stat, "inactive_file") ?? 0;
    const limit = BigInt(readText(path.join(d.memory, "memory.limit_in_bytes")).trim());
    return { cpuNs, memoryBytes: Math.max(0, usage - inactive), memoryLimitBytes: this.limitOf(limit >= UNLIMITED_V1 ? null : Number(limit)) };
  }

  private readV2(d: Dirs) {
    const cpuNs = (statValue(readText(path.join(d.cpu, "cpu.stat")), "usage_usec") ?? 0) * 1000;
    const usage = Number(readText(path.join(d.memory, "memory.current")).trim());
    const inactive = statValue(readText(path.join(d.memory, "memory.stat")), "inactive_file") ?? 0;
    const max = readText(path.join(d.memory, "memory.max")).trim();
    return { cpuNs, memoryBytes: Math.max(0, usage - inactive), memoryLimitBytes: this.limitOf(max === "max" ? null : Number(max)) };
  }

  /** Without a limit the engine reports the machine's memory: so does this. */
  private limitOf(limit: number | null): number {
    const total = os.totalmem();
    return limit === null || limit > total ? total : limit;
  }
}
