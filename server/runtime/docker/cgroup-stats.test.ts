import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CgroupStats } from "./cgroup-stats";

/** The files of cgroup v1 and v2 as the kernel lays them out, in a temporary directory. */

const ID = "a".repeat(64);
const MB = 1024 * 1024;
const roots: string[] = [];

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-cgroup-"));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

function write(root: string, rel: string, text: string) {
  fs.writeFileSync(path.join(root, rel), text);
}

/** A clock the test moves (ns). */
function clock() {
  let t = 1_000_000_000_000n;
  return { now: () => t, advanceMs: (ms: number) => (t += BigInt(ms) * 1_000_000n) };
}

afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

describe("container CPU and memory from cgroup files", () => {
  it("reads cgroup v1 (cgroupfs driver): no CPU figure on the first reading, then the share of one CPU since it", () => {
    const root = tree({
      [`cpuacct/docker/${ID}/cpuacct.usage`]: "1000000000\n",
      [`memory/docker/${ID}/memory.usage_in_bytes`]: `${100 * MB}\n`,
      [`memory/docker/${ID}/memory.stat`]: `cache 1\ninactive_file ${5 * MB}\ntotal_inactive_file ${20 * MB}\n`,
      [`memory/docker/${ID}/memory.limit_in_bytes`]: `${256 * MB}\n`,
    });
    const t = clock();
    const c = new CgroupStats(root, t.now);
    expect(c.read(ID)).toBeNull();
    t.advanceMs(2000);
    write(root, `cpuacct/docker/${ID}/cpuacct.usage`, "1300000000\n");
    const s = c.read(ID)!;
    // 300 ms of CPU in 2 s: 15 % of one CPU (the engine's figure is a share of one CPU too).
    expect(s.cpuPercent).toBe(15);
    // The hierarchical inactive file pages are not counted as used (as the engine and docker stats do).
    expect(s.memoryBytes).toBe(80 * MB);
    expect(s.memoryLimitBytes).toBe(256 * MB);
  });

  it("reads cgroup v2 (systemd driver), and reports the machine's memory for no limit", () => {
    const dir = `system.slice/docker-${ID}.scope`;
    const root = tree({
      "cgroup.controllers": "cpu memory pids\n",
      [`${dir}/cpu.stat`]: "usage_usec 2000000\nuser_usec 1500000\n",
      [`${dir}/memory.current`]: `${64 * MB}\n`,
      [`${dir}/memory.stat`]: `anon 1\ninactive_file ${4 * MB}\n`,
      [`${dir}/memory.max`]: "max\n",
    });
    const t = clock();
    const c = new CgroupStats(root, t.now);
    expect(c.read(ID)).toBeNull();
    t.advanceMs(60_000);
    write(root, `${dir}/cpu.stat`, "usage_usec 92000000\nuser_usec 1500000\n");
    const s = c.read(ID)!;
    // 90 s of CPU in 60 s: one and a half CPUs.
    expect(s.cpuPercent).toBe(150);
    expect(s.memoryBytes).toBe(60 * MB);
    expect(s.memoryLimitBytes).toBe(os.totalmem());
  });

  it("answers null (the engine answers then) for a container whose files are not here, a restart, and one removed", () => {
    const root = tree({
      [`cpuacct/docker/${ID}/cpuacct.usage`]: "5000\n",
      [`memory/docker/${ID}/memory.usage_in_bytes`]: "10\n",
      [`memory/docker/${ID}/memory.stat`]: "total_inactive_file 0\n",
      [`memory/docker/${ID}/memory.limit_in_bytes`]: "9223372036854771712\n",
    });
    const t = clock();
    const c = new CgroupStats(root, t.now);
    expect(c.read("b".repeat(64))).toBeNull();
    expect(c.read("not-an-id/../..")).toBeNull();
    expect(c.read(ID)).toBeNull();
    // Read again too soon: no figure, and the first reading stays the base.
    t.advanceMs(100);
    expect(c.read(ID)).toBeNull();
    t.advanceMs(900);
    write(root, `cpuacct/docker/${ID}/cpuacct.usage`, "10005000\n");
    const s = c.read(ID)!;
    expect(s.cpuPercent).toBe(1);
    expect(s.memoryLimitBytes).toBe(os.totalmem());
    // The counter went back: the container restarted, its CPU since the last reading is unknown.
    t.advanceMs(1000);
    write(root, `cpuacct/docker/${ID}/cpuacct.usage`, "10\n");
    expect(c.read(ID)).toBeNull();
    t.advanceMs(1000);
    expect(c.read(ID)).not.toBeNull();
    fs.rmSync(path.join(root, "memory", "docker", ID), { recursive: true });
    t.advanceMs(1000);
    expect(c.read(ID)).toBeNull();
  });
});
