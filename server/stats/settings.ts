/**
 * Statistics settings, read from the process environment (each has a safe default):
 * - PHLEET_STATS=off                  no collection at all (the bench compares against it)
 * - PHLEET_STATS_RETENTION_HOURS      how long the downsampled history stays in the database (default 168 = 7 days)
 * - PHLEET_STATS_POLL_MS              how often session-store counters and CPU/memory are read while somebody
 *                                     reads the statistics (default 3000); nobody reading: every unwatchedPollMs
 */
export interface StatsSettings {
  enabled: boolean;
  retentionHours: number;
  pollMs: number;
  /**
   * While nobody has read the statistics for `watchedForMs`, the collector does everything in one round this often:
   * reads the balancers' lines since the cursor (no stream follows them then), polls the gauges, writes the totals
   * and the closed minutes. Request counts are exact whatever it is (the balancer keeps cumulative counters, and a
   * read of the statistics or of the history reads its newest lines first); the history's gauges are one reading per
   * round then. Five minutes: a round costs the control plane 20-40 ms of CPU whatever the traffic, which once a
   * minute was about as much again as all its other work (issue 17: collection on <= 1.2 x off).
   */
  unwatchedPollMs: number;
  /** A read of the statistics (API or live stream) keeps the fast poll this long. */
  watchedForMs: number;
  /** How often the totals (with the log cursor) are written to the database while somebody looks. */
  flushMs: number;
  /** How often the manager checks for a write to environments or nodes (a counter in memory, no database read). */
  syncMs: number;
  /** How often the manager reads the environments even without a write seen in this process. */
  resyncMs: number;
  /** Width of one downsampled history row. */
  sampleSeconds: number;
  /**
   * A balancer log stream silent this long is reopened from its cursor (a stalled engine follower loses nothing).
   * The balancer writes its counters at least every 5 s even without traffic (phleet-stats.lua), so only a stall is this quiet.
   */
  silenceReopenMs: number;
}

function numberFrom(value: string | undefined, fallback: number, min: number, max: number): number {
  const n = Number(value);
  if (!value || !Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

export function statsSettings(env: NodeJS.ProcessEnv = process.env): StatsSettings {
  const flag = (env.PHLEET_STATS ?? "on").trim().toLowerCase();
  return {
    enabled: !["off", "0", "false", "no"].includes(flag),
    retentionHours: numberFrom(env.PHLEET_STATS_RETENTION_HOURS, 168, 1, 24 * 366),
    pollMs: numberFrom(env.PHLEET_STATS_POLL_MS, 3000, 1000, 60_000),
    unwatchedPollMs: 300_000,
    watchedForMs: 30_000,
    // Totals are written for restarts; losing the last seconds costs nothing, they are read again from the cursor
    // (the balancer's counters are cumulative: even a log rotated meanwhile gives the exact totals from its newest
    // line), so a slow write rate is safe. Each write costs a few ms of CPU (SQLite's commit included).
    flushMs: 30_000,
    syncMs: 2000,
    // Every environment and node is written by this process (the version moves then): this only covers a write
    // made elsewhere, by hand for instance.
    resyncMs: 300_000,
    sampleSeconds: 60,
    silenceReopenMs: 12_000,
  };
}

/** The in-memory window: one hour at one-second resolution. */
export const LIVE_WINDOW_SECONDS = 3600;
/** Latency histograms are kept this long for the "current" percentiles, then reduced to p50/p95 per second. */
export const LATENCY_WINDOW_SECONDS = 60;
/** "Current" requests/s and share of traffic are measured over this many whole seconds. */
export const RATE_WINDOW_SECONDS = 10;
