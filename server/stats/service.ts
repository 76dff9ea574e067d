import type { Stats, StatsHistory } from "../contracts/stats";
import { notFound } from "../errors";
import { log } from "../log";
import { runtime } from "../runtime";
import { EnvironmentCollector } from "./collector";
import { historyPoints } from "./history";
import { statsManager } from "./manager";
import { statsSettings } from "./settings";
import { prismaStatsStore, type StatsStore } from "./store";

/** What the API reads: the live collector when there is one, otherwise the totals persisted for the environment. */

export async function getStats(envId: string, window: number, step = 1, store: StatsStore = prismaStatsStore): Promise<Stats> {
  const target = await store.target(envId);
  if (!target) throw notFound("Environment", envId);
  const live = statsManager()?.get(envId);
  if (live) return live.read(window, step);
  return (await offlineView(envId, store)).read(window, step);
}

/** The live collector, or null: used by the stream, which checks that the environment exists itself. */
export function liveCollector(envId: string): EnvironmentCollector | null {
  return statsManager()?.get(envId) ?? null;
}

export async function offlineView(envId: string, store: StatsStore = prismaStatsStore): Promise<EnvironmentCollector> {
  const target = await store.target(envId);
  if (!target) throw notFound("Environment", envId);
  const settings = statsSettings();
  const env = await store.load(envId);
  const [state, message] = !settings.enabled
    ? (["off", "Statistics collection is off on this server (PHLEET_STATS=off)"] as const)
    : !statsManager()
      ? (["stopped", "Statistics collection is not running in this server process"] as const)
      : target.status === "running"
        ? (["stopped", "Collection starts within a few seconds"] as const)
        : (["stopped", `The environment is ${target.status}: these are the totals counted while it ran`] as const);
  return EnvironmentCollector.offline(target, env, state, message, {
    rt: runtime(),
    store,
    settings,
    onError: (what, err) => log.debug({ envId, err }, what),
  });
}

export async function getHistory(envId: string, hours: number, store: StatsStore = prismaStatsStore): Promise<StatsHistory> {
  if (!(await store.target(envId))) throw notFound("Environment", envId);
  const settings = statsSettings();
  const span = Math.min(hours, settings.retentionHours);
  await statsManager()?.get(envId)?.bringHistoryUpToDate();
  const rows = await store.samples(envId, new Date(Date.now() - span * 3600_000));
  return { environmentId: envId, retentionHours: settings.retentionHours, points: historyPoints(rows, span) };
}
