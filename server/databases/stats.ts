import type { DatabaseStats } from "../contracts/database";
import { db } from "../db/client";
import { AppError, notFound } from "../errors";
import { databaseOf } from "../node-kinds";
import { parseDatabaseCounters } from "../node-kinds/database";
import { LABEL } from "../runtime/labels";
import { runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";

/** Live figures of the database node: connections, queries per second, slow queries, size on disk. */

// The previous reading per environment, for the queries-per-second rate.
const g = globalThis as unknown as { __phleetDbReadings?: Map<string, { at: number; queries: number }> };
const previous = (g.__phleetDbReadings ??= new Map());

/** Queries per second between two readings of a counter; null without an earlier reading or after a restart (counter went back). */
export function queryRate(prev: { at: number; queries: number } | undefined, now: { at: number; queries: number }): number | null {
  if (!prev || now.at <= prev.at || now.queries < prev.queries) return null;
  return Math.round(((now.queries - prev.queries) / ((now.at - prev.at) / 1000)) * 10) / 10;
}

export async function databaseStats(envId: string, rt: ContainerRuntime = runtime()): Promise<DatabaseStats> {
  const env = await db().environment.findUnique({ where: { id: envId }, include: { database: true, nodes: { where: { role: "database" } } } });
  if (!env) throw notFound("Environment", envId);
  const node = env.nodes[0];
  if (!env.database || !node) throw new AppError("no_database", `Environment '${env.name}' has no database node`, 404);
  const at = Date.now();
  const down: DatabaseStats = { up: false, connections: 0, queriesPerSecond: null, slowQueries: 0, sizeBytes: 0, at: new Date(at).toISOString() };
  const live = (await rt.listContainers({ [LABEL.node]: node.id }))[0];
  if (!live?.running) return down;
  const r = await rt.exec(live.id, databaseOf(node.type).countersCommand(env.database.name), { timeoutMs: 10_000 }).catch(() => null);
  const c = r && r.exitCode === 0 ? parseDatabaseCounters(r.stdout) : null;
  if (!c) return down;
  const reading = { at, queries: c.queries };
  const qps = queryRate(previous.get(envId), reading);
  previous.set(envId, reading);
  return { up: true, connections: c.connections, queriesPerSecond: qps, slowQueries: c.slowQueries, sizeBytes: c.bytes, at: new Date(at).toISOString() };
}
