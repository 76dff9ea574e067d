import { afterEach, describe, expect, it } from "vitest";
import { MemoryRuntime } from "../runtime/memory/memory-runtime";
import { StatsManager } from "./manager";
import { statsSettings } from "./settings";
import type { CollectorTarget, StatsStore } from "./store";

/** When the manager reads the environments: after a write to them was seen, and every resyncMs otherwise. */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function countingStore(): StatsStore & { reads: number; version: number } {
  return {
    reads: 0,
    version: 0,
    topologyVersion() {
      return this.version;
    },
    async runningTargets(): Promise<CollectorTarget[]> {
      this.reads++;
      return [];
    },
    async target() {
      return null;
    },
    async load() {
      return null;
    },
    async save() {},
    async addSamples() {},
    async samples() {
      return [];
    },
    async prune() {
      return { samples: 0, orphans: 0 };
    },
  };
}

const managers: StatsManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function manager(store: StatsStore, resyncMs: number): StatsManager {
  const m = new StatsManager(new MemoryRuntime(), store, { ...statsSettings({} as NodeJS.ProcessEnv), syncMs: 10, resyncMs });
  managers.push(m);
  m.start();
  return m;
}

describe("StatsManager", () => {
  it("reads the environments at start, then only after a write (and once more), not every syncMs", async () => {
    const store = countingStore();
    manager(store, 60_000);
    await sleep(150);
    expect(store.reads).toBe(1);
    store.version++;
    await sleep(150);
    // The write's tick, and the next one (the write may have been inside a transaction not yet committed).
    expect(store.reads).toBe(3);
    await sleep(150);
    expect(store.reads).toBe(3);
  });

  it("reads them every resyncMs without any write (writes of another process)", async () => {
    const store = countingStore();
    manager(store, 100);
    await sleep(450);
    expect(store.reads).toBeGreaterThanOrEqual(3);
    expect(store.reads).toBeLessThanOrEqual(6);
  });
});
