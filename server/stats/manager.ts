import { log } from "../log";
import type { ContainerRuntime } from "../runtime/types";
import { sleepOrAbort } from "../wait";
import { EnvironmentCollector } from "./collector";
import type { StatsSettings } from "./settings";
import type { CollectorTarget, StatsStore } from "./store";

// The retention is counted in hours, so pruning once an hour is exact enough; its four queries cost the control plane
// about as much CPU as a whole statistics round (profiled), every ten minutes that was a fifth of collection's cost.
const MAINTENANCE_MS = 60 * 60_000;

/**
 * One collector per running environment: reads the environments after each write to them (checked every few
 * seconds, see StatsStore.topologyVersion) and at least every resyncMs, starts a collector when an environment
 * becomes running, updates its node list, and stops it when the environment stops running or is deleted. Every hour it prunes history past the retention.
 */
export class StatsManager {
  private readonly collectors = new Map<string, EnvironmentCollector>();
  private readonly starting = new Set<string>();
  private readonly abort = new AbortController();
  private lastMaintenance = 0;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly rt: ContainerRuntime,
    private readonly store: StatsStore,
    readonly settings: StatsSettings,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  get(envId: string): EnvironmentCollector | undefined {
    return this.collectors.get(envId);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await Promise.allSettled([...this.collectors.values()].map((c) => c.stop({ flush: true })));
    this.collectors.clear();
  }

  private async run(): Promise<void> {
    let seen: number | null = null;
    let recheck = false;
    let readAt = Number.NEGATIVE_INFINITY;
    while (!this.abort.signal.aborted) {
      // The environments are read again only after a write to them (or their nodes) in this process, and every
      // resyncMs in any case: a read every syncMs cost the control plane about 1.5 ms of CPU per second.
      const version = this.store.topologyVersion();
      if (version !== seen || recheck || Date.now() - readAt >= this.settings.resyncMs) {
        // A write seen now may belong to a transaction that commits a moment later: read once more next time.
        recheck = seen !== null && version !== seen;
        seen = version;
        readAt = Date.now();
        try {
          await this.sync();
        } catch (err) {
          log.warn({ err }, "stats: could not read the environments");
        }
      }
      if (Date.now() - this.lastMaintenance > MAINTENANCE_MS) {
        this.lastMaintenance = Date.now();
        try {
          const before = new Date(Date.now() - this.settings.retentionHours * 3600_000);
          const pruned = await this.store.prune(before);
          if (pruned.samples || pruned.orphans) log.info({ ...pruned, retentionHours: this.settings.retentionHours }, "stats: pruned history");
        } catch (err) {
          log.warn({ err }, "stats: pruning the history failed");
        }
      }
      await sleepOrAbort(this.settings.syncMs, this.abort.signal);
    }
  }

  async sync(): Promise<void> {
    const targets = await this.store.runningTargets();
    const running = new Map(targets.map((t) => [t.id, t]));
    for (const [id, c] of this.collectors) {
      if (running.has(id)) continue;
      this.collectors.delete(id);
      // Still in the database (stopped, failed): keep its totals; deleted or deleting: nothing to keep.
      const exists = await this.store.target(id);
      await c.stop({ flush: !!exists });
      log.info({ envId: id }, "stats: collector stopped");
    }
    for (const t of targets) {
      const existing = this.collectors.get(t.id);
      if (existing) existing.update(t);
      else if (!this.starting.has(t.id)) await this.startCollector(t);
    }
  }

  private async startCollector(t: CollectorTarget): Promise<void> {
    this.starting.add(t.id);
    try {
      const c = await EnvironmentCollector.start(t, {
        rt: this.rt,
        store: this.store,
        settings: this.settings,
        onError: (what, err) => log.debug({ envId: t.id, err: err instanceof Error ? err.message : String(err) }, `stats: ${what} failed`),
      });
      this.collectors.set(t.id, c);
      log.info({ envId: t.id }, "stats: collector started");
    } catch (err) {
      log.warn({ envId: t.id, err }, "stats: collector could not start");
    } finally {
      this.starting.delete(t.id);
    }
  }
}

const g = globalThis as unknown as { __phleetStats?: StatsManager };

/** The process-wide manager; route handlers and the background starter may live in different bundles, hence globalThis. */
export function statsManager(): StatsManager | undefined {
  return g.__phleetStats;
}

export function setStatsManager(m: StatsManager): void {
  g.__phleetStats = m;
}
