import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { useFreshDatabase } from "../testing/unit-db";
import { emptyTotals } from "./aggregate";
import { prismaStatsStore, type PersistedState } from "./store";

/** The totals' rows in SQLite: written in one statement, read back as they were, updated in place. */

beforeAll(async () => {
  await useFreshDatabase();
});

const state = (n: number): PersistedState => {
  const totals = emptyTotals();
  totals.balancer.requests = { total: n, "2xx": n, "3xx": 0, "4xx": 0, "5xx": 0 };
  totals.balancer.bytes = 10 * n;
  totals.nodes["node-a"] = { requests: { total: n - 1, "2xx": n - 1, "3xx": 0, "4xx": 0, "5xx": 0 }, failedAttempts: 1 };
  totals.nodes["node-b"] = { requests: { total: 1, "2xx": 1, "3xx": 0, "4xx": 0, "5xx": 0 }, failedAttempts: 0 };
  return {
    totals,
    feeds: { "1": { cursor: `2026-12-02T19:00:0${n}.000000001Z`, counters: null }, "2": { cursor: `2026-12-02T19:00:0${n}.000000002Z`, counters: null } },
    session: { "store-1": { total: { hits: n, misses: 1, evictions: 0 } } } as never,
  };
};

describe("prismaStatsStore.save", () => {
  it("writes every scope and reads it back; a second save updates the same rows", async () => {
    expect(await prismaStatsStore.load("env-1")).toBeNull();
    await prismaStatsStore.save("env-1", state(5));
    expect(await prismaStatsStore.load("env-1")).toEqual(state(5));
    const before = await db().statsTotal.findMany({ where: { environmentId: "env-1" }, orderBy: { scope: "asc" } });
    expect(before.map((r) => r.scope)).toEqual(["balancer", "node-a", "node-b", "session"]);
    await new Promise((r) => setTimeout(r, 5));
    await prismaStatsStore.save("env-1", state(7));
    expect(await prismaStatsStore.load("env-1")).toEqual(state(7));
    const after = await db().statsTotal.findMany({ where: { environmentId: "env-1" }, orderBy: { scope: "asc" } });
    expect(after).toHaveLength(4);
    // updatedAt stays a date Prisma reads (the format its own writes use), and moves with each save.
    for (const [i, row] of after.entries()) {
      expect(row.updatedAt).toBeInstanceOf(Date);
      expect(row.updatedAt.getTime()).toBeGreaterThan(before[i]!.updatedAt.getTime());
      expect(Math.abs(row.updatedAt.getTime() - Date.now())).toBeLessThan(60_000);
    }
    expect(await prismaStatsStore.load("env-2")).toBeNull();
  });
});

describe("prismaStatsStore.load", () => {
  it("reads a row written before two balancers existed as the first balancer's cursor and counters", async () => {
    const legacy = { requests: { total: 3, "2xx": 3, "3xx": 0, "4xx": 0, "5xx": 0 }, cursor: "2026-12-02T19:00:09.000000001Z", counters: null };
    await db().statsTotal.create({ data: { environmentId: "env-legacy", scope: "balancer", data: JSON.stringify(legacy) } });
    const loaded = await prismaStatsStore.load("env-legacy");
    expect(loaded?.feeds).toEqual({ "1": { cursor: "2026-12-02T19:00:09.000000001Z", counters: null } });
    expect(loaded?.totals.balancer.requests.total).toBe(3);
    expect(loaded?.totals.balancer).not.toHaveProperty("cursor");
  });
});

describe("prismaStatsStore.addSamples", () => {
  it("writes several minutes in one go and reads them back in order", async () => {
    const at = (min: number) => new Date(Date.UTC(2026, 11, 2, 19, min));
    await prismaStatsStore.addSamples("env-s", []);
    await prismaStatsStore.addSamples("env-s", [1, 2, 3].map((m) => ({ at: at(m), bucketSeconds: 60, data: { minute: m } })));
    const rows = await prismaStatsStore.samples("env-s", at(0));
    expect(rows.map((r) => [r.at.getTime(), r.bucketSeconds, r.data])).toEqual([1, 2, 3].map((m) => [at(m).getTime(), 60, { minute: m }]));
    // Written raw, in the format Prisma's own filters compare: "since" and the pruning cut-off select by time.
    expect((await prismaStatsStore.samples("env-s", at(2))).map((r) => r.data)).toEqual([{ minute: 2 }, { minute: 3 }]);
    await db().statsSample.deleteMany({ where: { environmentId: "env-s", at: { lt: at(2) } } });
    expect((await prismaStatsStore.samples("env-s", at(0))).map((r) => r.data)).toEqual([{ minute: 2 }, { minute: 3 }]);
  });
});
