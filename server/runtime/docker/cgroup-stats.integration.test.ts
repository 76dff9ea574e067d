import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LABEL } from "../labels";
import { CgroupStats } from "./cgroup-stats";
import { DockerRuntime } from "./docker-runtime";

/**
 * The cgroup files of a real container of this machine's engine give what the engine's stats endpoint gives: the
 * same memory limit, about the same memory, and the CPU of a busy process (one CPU) over the interval read.
 */

const docker = new Docker();
const MB = 1024 * 1024;
let id: string;
// An instance label of its own: the test's Phleet server removes containers of its instance that it does not know.
const instance = () => `${inject("phleetInstance")}-cgroup-stats`;
/** This test's containers, and any a crashed run left (by label). */
async function sweep() {
  const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL.instance}=${instance()}`] } });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
}

describe("container stats from the cgroup files of the local engine", () => {
  beforeAll(async () => {
    await sweep();
    const c = await docker.createContainer({
      Image: "debian:bookworm-slim",
      name: `phleet-cgroup-stats-${Date.now().toString(36)}`,
      // One busy process (a whole CPU), and 32 MB held by a shell variable.
      Cmd: ["bash", "-c", "x=$(head -c 33554432 /dev/zero | tr '\\0' x); while :; do :; done"],
      Labels: { [LABEL.instance]: instance() },
      HostConfig: { Memory: 128 * MB, NanoCpus: 2e9 },
    });
    id = c.id;
    await c.start();
  });

  afterAll(async () => {
    await sweep();
  });

  it("reads the same limit and memory as the engine, and one busy CPU", async () => {
    const files = new CgroupStats();
    expect(files.read(id), "the first reading has no CPU figure").toBeNull();
    // Until the shell holds its 32 MB.
    for (let i = 0; i < 50; i++) {
      const engine = (await docker.getContainer(id).stats({ stream: false })) as unknown as Docker.ContainerStats;
      if ((engine.memory_stats.usage ?? 0) > 40 * MB) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const fromFiles = files.read(id);
    expect(fromFiles, "a container of this machine's engine has its cgroup files here").not.toBeNull();
    const engine = (await docker.getContainer(id).stats({ stream: false })) as unknown as Docker.ContainerStats;
    expect(fromFiles!.memoryLimitBytes).toBe(engine.memory_stats.limit);
    expect(fromFiles!.memoryLimitBytes).toBe(128 * MB);
    const engineMemory = (engine.memory_stats.usage ?? 0) - ((engine.memory_stats.stats as Record<string, number>).inactive_file ?? 0);
    expect(fromFiles!.memoryBytes).toBeGreaterThan(32 * MB);
    expect(Math.abs(fromFiles!.memoryBytes - engineMemory)).toBeLessThan(16 * MB);
    // A loop on one CPU of a 2-core machine that runs other tests too: between a quarter of a CPU and one.
    expect(fromFiles!.cpuPercent).toBeGreaterThan(25);
    expect(fromFiles!.cpuPercent).toBeLessThan(105);

    // The runtime answers from the files once it has a first reading (the engine answered that one).
    const counting = new Docker();
    let engineStats = 0;
    const containerOf = counting.getContainer.bind(counting);
    counting.getContainer = (cid: string) => {
      const c = containerOf(cid);
      const stats = c.stats.bind(c);
      c.stats = ((opts: object) => (engineStats++, stats(opts as { stream: false }))) as typeof c.stats;
      return c;
    };
    const rt = new DockerRuntime(counting);
    const first = await rt.stats(id);
    expect(engineStats).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    const second = await rt.stats(id);
    expect(engineStats, "the second reading comes from the files").toBe(1);
    expect(first!.memoryLimitBytes).toBe(128 * MB);
    expect(second!.memoryLimitBytes).toBe(128 * MB);
    expect(second!.cpuPercent).toBeGreaterThan(25);
  });
});
