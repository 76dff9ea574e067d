import type { SessionStoreType } from "../contracts/environment";
import { db, joinSql, sql, topologyVersion } from "../db/client";
import { emptyTotals, type BalancerTotals, type NodeTotals, type RequestTotals } from "./aggregate";
import type { CountersSnapshot } from "./balancer-counters";
import type { SessionTotalsState } from "./session-store";

/**
 * Where statistics live in the database:
 * - StatsTotal: one row per scope ("balancer" with each balancer's log cursor, "session", each app node id),
 *   written together in one transaction, so the cursor always matches the totals it produced.
 * - StatsSample: one row per environment and minute (downsampled figures), pruned after the retention.
 */

/** How far one balancer's log was counted. */
export interface FeedState {
  /** Engine timestamp of the last line of this balancer's log counted. */
  cursor: string | null;
  /** This balancer's counters already counted (balancer-counters.ts): the base of the next difference. */
  counters: CountersSnapshot | null;
}

export interface PersistedState {
  totals: RequestTotals;
  /** By the balancer's ordinal ("1", "2"). */
  feeds: Record<string, FeedState>;
  session: SessionTotalsState;
}

interface CollectorNode {
  id: string;
  role: string;
  ordinal: number;
  hostname: string;
  ip: string;
  containerId: string | null;
}

export interface CollectorTarget {
  id: string;
  status: string;
  sessionType: SessionStoreType;
  nodes: CollectorNode[];
}

export interface SampleRow {
  at: Date;
  bucketSeconds: number;
  data: unknown;
}

export interface StatsStore {
  runningTargets(): Promise<CollectorTarget[]>;
  /** Changes after a write to environments or nodes (server/db/client.ts): the manager reads runningTargets() again then. */
  topologyVersion(): number;
  target(envId: string): Promise<CollectorTarget | null>;
  load(envId: string): Promise<PersistedState | null>;
  save(envId: string, state: PersistedState): Promise<void>;
  /** History rows, in one statement (a round while nobody looks writes the minutes since the last one at once). */
  addSamples(envId: string, samples: SampleRow[]): Promise<void>;
  samples(envId: string, since: Date): Promise<SampleRow[]>;
  /** Drops samples past the retention and rows of environments that no longer exist. */
  prune(before: Date): Promise<{ samples: number; orphans: number }>;
}

const BALANCER = "balancer";
const SESSION = "session";

type EnvWithNodes = { id: string; status: string; sessionType: string; nodes: CollectorNode[] };
const toTarget = (e: EnvWithNodes): CollectorTarget => ({
  id: e.id,
  status: e.status,
  sessionType: e.sessionType === "redis" ? "redis" : "memcached",
  nodes: e.nodes.map((n) => ({ id: n.id, role: n.role, ordinal: n.ordinal, hostname: n.hostname, ip: n.ip, containerId: n.containerId })),
});

export const prismaStatsStore: StatsStore = {
  topologyVersion,

  async runningTargets() {
    const envs = await db().environment.findMany({ where: { status: "running" }, include: { nodes: true } });
    return envs.map(toTarget);
  },

  async target(envId) {
    const env = await db().environment.findUnique({ where: { id: envId }, include: { nodes: true } });
    return env ? toTarget(env) : null;
  },

  async load(envId) {
    const rows = await db().statsTotal.findMany({ where: { environmentId: envId } });
    if (!rows.length) return null;
    const state: PersistedState = { totals: emptyTotals(), feeds: {}, session: {} };
    for (const row of rows) {
      let data: unknown;
      try {
        data = JSON.parse(row.data);
      } catch {
        continue;
      }
      if (row.scope === BALANCER) {
        const { cursor, counters, feeds, ...balancer } = data as BalancerTotals & Partial<FeedState> & { feeds?: Record<string, FeedState> };
        state.totals.balancer = { ...state.totals.balancer, ...balancer };
        // Rows written before an environment could have two balancers hold the one balancer's cursor and counters.
        state.feeds = feeds ?? (cursor !== undefined || counters !== undefined ? { "1": { cursor: cursor ?? null, counters: counters ?? null } } : {});
      } else if (row.scope === SESSION) {
        state.session = data as SessionTotalsState;
      } else {
        state.totals.nodes[row.scope] = data as NodeTotals;
      }
    }
    return state;
  },

  async save(envId, state) {
    const rows: { scope: string; data: string }[] = [
      { scope: BALANCER, data: JSON.stringify({ ...state.totals.balancer, feeds: state.feeds }) },
      { scope: SESSION, data: JSON.stringify(state.session) },
      ...Object.entries(state.totals.nodes).map(([id, t]) => ({ scope: id, data: JSON.stringify(t) })),
    ];
    // One statement for every row (atomic, so the cursor always matches its totals): written every flushMs while
    // traffic flows, and a transaction of one upsert per row cost several times the CPU of this (each Prisma
    // query is compiled and run on its own, about 1 ms of CPU each).
    const now = new Date();
    await db().$executeRaw`
      INSERT INTO "StatsTotal" ("environmentId", "scope", "data", "updatedAt")
      VALUES ${joinSql(rows.map((r) => sql`(${envId}, ${r.scope}, ${r.data}, ${now})`))}
      ON CONFLICT ("environmentId", "scope") DO UPDATE SET "data" = excluded."data", "updatedAt" = excluded."updatedAt"`;
  },

  async addSamples(envId, samples) {
    if (!samples.length) return;
    // Raw, like save(): a Prisma query is compiled on every call, most of the CPU a round's write costs.
    await db().$executeRaw`
      INSERT INTO "StatsSample" ("environmentId", "at", "bucketSeconds", "data")
      VALUES ${joinSql(samples.map((s) => sql`(${envId}, ${s.at}, ${s.bucketSeconds}, ${JSON.stringify(s.data)})`))}`;
  },

  async samples(envId, since) {
    const rows = await db().statsSample.findMany({ where: { environmentId: envId, at: { gte: since } }, orderBy: { at: "asc" }, take: 20_000 });
    return rows.map((r) => {
      let data: unknown = null;
      try {
        data = JSON.parse(r.data);
      } catch {
        data = null;
      }
      return { at: r.at, bucketSeconds: r.bucketSeconds, data };
    });
  },

  async prune(before) {
    const old = await db().statsSample.deleteMany({ where: { at: { lt: before } } });
    const ids = (await db().environment.findMany({ select: { id: true } })).map((e) => e.id);
    const a = await db().statsSample.deleteMany({ where: { environmentId: { notIn: ids } } });
    const b = await db().statsTotal.deleteMany({ where: { environmentId: { notIn: ids } } });
    return { samples: old.count, orphans: a.count + b.count };
  },
};
