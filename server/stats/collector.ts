import { sleepOrAbort } from "../wait";
import { nodeHealth } from "../health/node-health";
import type { GaugePoint, NodeStats, Stats } from "../contracts/stats";
import { LABEL } from "../runtime/labels";
import type { ContainerRuntime, ContainerState, LogLine } from "../runtime/types";
import { RequestAggregator, resolverFor, zeroCounts, type NodeResolver } from "./aggregate";
import { compareLogTimestamps } from "../runtime/log-timestamps";
import { advanceCounters, COUNTERS_PREFIX, parseCountersLine, type CountersSnapshot } from "./balancer-counters";
import { LIVE_WINDOW_SECONDS, RATE_WINDOW_SECONDS, type StatsSettings } from "./settings";
import { nodeKind, type SessionNodeReading, type SessionStoreKind } from "../node-kinds";
import { accumulate, combineSession, type SessionTotalsState } from "./session-store";
import { minuteSample } from "./history";
import type { CollectorTarget, FeedState, PersistedState, SampleRow, StatsStore } from "./store";

export type CollectorState = Stats["collector"]["state"];

export interface CollectorDeps {
  rt: ContainerRuntime;
  store: StatsStore;
  settings: StatsSettings;
  now?: () => number;
  onError?: (what: string, err: unknown) => void;
}

interface Resource {
  status: string;
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Lines read back from the end of the log when a silent stream is reopened; older ones were counted already. */
const SILENCE_TAIL_LINES = 5000;

/**
 * What a counters line shares with the other lines of its second and balancer generation: the text up to the whole
 * seconds of its "ts" (both balancers write `phleet-stats {"gen":"...","ts":<seconds>.<ms>,...`). Null for any
 * other line, which is counted at once. Only a grouping key: the line itself is checked when it is parsed.
 */
function coalesceKey(text: string): string | null {
  if (!text.startsWith(COUNTERS_PREFIX)) return null;
  const ts = text.indexOf(',"ts":', COUNTERS_PREFIX.length);
  if (ts < 0) return null;
  const dot = text.indexOf(".", ts + 6);
  const comma = text.indexOf(",", ts + 6);
  const end = dot >= 0 && (comma < 0 || dot < comma) ? dot : comma;
  return end < 0 ? null : text.slice(0, end);
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * What is followed of one balancer's log (an environment has one or two): its own cursor, the counters it wrote last
 * (each balancer counts its own requests, under its own generation), and the line held back for its second.
 */
class BalancerFeed {
  cursor: string | null;
  counters: CountersSnapshot | null;
  state: CollectorState = "waiting";
  message: string | null = "starting";
  opens = 0;
  catchingUp = true;
  /** Lines read from the balancer's log (the silence watchdog watches it move). */
  lines = 0;
  /** The newest counters line of the current second and generation, not counted yet (onLine). */
  pending: LogLine | null = null;
  pendingKey: string | null = null;
  /** A stream follows the log now (somebody reads the statistics); otherwise it is read in one go when needed. */
  streaming = false;
  /** The read of the lines since the cursor under way, shared by whoever needs it meanwhile (catchUp). */
  reading: Promise<void> | null = null;

  constructor(persisted?: FeedState) {
    this.cursor = persisted?.cursor ?? null;
    this.counters = persisted?.counters ?? null;
  }
}

/**
 * Statistics of one running environment: reads the cumulative counters the balancer writes to stderr (resumed after
 * the last engine timestamp seen; a line read twice adds nothing, see balancer-counters.ts), polls the session store
 * (exec) and every node's CPU/memory (engine stats), keeps the last hour in memory and writes totals (with the
 * cursor) and minute samples to the store. While somebody reads the statistics it follows the logs live and polls
 * every few seconds; otherwise it does all of that in one round a minute, so an environment nobody looks at costs
 * the same whatever its traffic.
 */
export class EnvironmentCollector {
  private agg: RequestAggregator;
  /** By the balancer's ordinal ("1", "2"), as persisted. */
  private readonly feeds = new Map<string, BalancerFeed>();
  private sessionTotals: SessionTotalsState;
  private readonly readings = new Map<string, SessionNodeReading | null>();
  private readonly resources = new Map<string, Resource>();
  private gauges: GaugePoint[] = [];
  private resolve: NodeResolver;
  /** Set for a read-only view (offline): what the collector says instead of its feeds' states. */
  private fixedState: { state: CollectorState; message: string } | null = null;
  private dirty = false;
  private sessionSampledAt: number | null = null;
  private lastSampleMinute: number;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private loops: Promise<void>[] = [];
  /**
   * When the statistics were last read (API or live stream). While somebody looks, the balancers' logs are followed
   * and the gauges polled every few seconds; otherwise everything is done in one round every unwatchedPollMs.
   */
  private viewedAt = Number.NEGATIVE_INFINITY;
  /** Called when somebody starts looking: the poll and the log followers resting until then go at once. */
  private readonly wakers = new Set<() => void>();

  private storeKind(): SessionStoreKind {
    return nodeKind(this.target.sessionType).sessionStore!;
  }

  private constructor(
    private target: CollectorTarget,
    private readonly deps: CollectorDeps,
    persisted: PersistedState | null,
  ) {
    this.now = deps.now ?? Date.now;
    this.agg = new RequestAggregator(persisted?.totals);
    for (const [ordinal, feed] of Object.entries(persisted?.feeds ?? {})) this.feeds.set(ordinal, new BalancerFeed(feed));
    for (const b of this.balancers()) this.feed(b.ordinal);
    this.sessionTotals = persisted?.session ?? {};
    this.resolve = resolverFor(this.appNodes());
    this.lastSampleMinute = Math.floor(this.now() / 60_000) * 60;
  }

  /** Loads the persisted totals and starts following and polling. */
  static async start(target: CollectorTarget, deps: CollectorDeps): Promise<EnvironmentCollector> {
    const c = new EnvironmentCollector(target, deps, await deps.store.load(target.id));
    c.loops = [...c.balancers().map((b) => c.followLoop(b.ordinal)), c.pollLoop(), c.flushLoop()];
    return c;
  }

  /** A read-only view of persisted totals, for an environment nobody collects right now. */
  static offline(target: CollectorTarget, persisted: PersistedState | null, state: CollectorState, message: string, deps: CollectorDeps): EnvironmentCollector {
    const c = new EnvironmentCollector(target, deps, persisted);
    c.fixedState = { state, message };
    c.abort.abort();
    return c;
  }

  get environmentId(): string {
    return this.target.id;
  }

  /** New node list (scaled, a container recreated): the next reads use it; a new balancer is followed too. */
  update(target: CollectorTarget): void {
    this.target = target;
    this.resolve = resolverFor(this.appNodes());
    for (const b of this.balancers()) {
      if (!this.feeds.has(String(b.ordinal)) && !this.abort.signal.aborted) {
        this.feed(b.ordinal);
        this.loops.push(this.followLoop(b.ordinal));
      }
    }
  }

  async stop(opts: { flush: boolean }): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
    if (opts.flush && this.dirty) await this.flush();
  }

  private appNodes() {
    return this.target.nodes.filter((n) => n.role === "app").sort((a, b) => a.ordinal - b.ordinal);
  }

  private balancers() {
    return this.target.nodes.filter((n) => n.role === "balancer").sort((a, b) => a.ordinal - b.ordinal);
  }

  private feed(ordinal: number): BalancerFeed {
    const key = String(ordinal);
    let f = this.feeds.get(key);
    if (!f) this.feeds.set(key, (f = new BalancerFeed()));
    return f;
  }

  /** Following while any balancer's log is followed; the message names the balancers that are not. */
  private collectorInfo(): Stats["collector"] {
    const feeds = this.balancers().map((b) => this.feed(b.ordinal));
    const first = this.feeds.get("1") ?? feeds[0];
    const reopened = feeds.reduce((n, f) => n + Math.max(0, f.opens - 1), 0);
    if (this.fixedState) return { ...this.fixedState, cursor: first?.cursor ?? null, reopened };
    if (!feeds.length) return { state: "waiting", message: "The environment has no balancer", cursor: null, reopened };
    const following = feeds.some((f) => f.state === "following");
    const messages = feeds.map((f) => f.message).filter((m): m is string => !!m);
    return { state: following ? "following" : "waiting", message: messages.length ? messages.join("; ") : null, cursor: first?.cursor ?? null, reopened };
  }

  private report(what: string, err: unknown) {
    this.deps.onError?.(what, err);
  }

  // ---- the balancer log ----

  private async followLoop(ordinal: number): Promise<void> {
    const signal = this.abort.signal;
    const feed = this.feed(ordinal);
    let afterSilence = false;
    while (!signal.aborted) {
      const balancer = this.balancers().find((n) => n.ordinal === ordinal);
      // Scaled away: its counts stay in the totals.
      if (!balancer) return;
      // Nobody looks: no stream. The round of pollLoop (and any read of the statistics) reads what the balancer
      // wrote since the cursor in one go, so collection costs the same whatever the traffic and however long.
      if (!this.watched()) {
        await this.untilWatched(signal);
        continue;
      }
      let live: ContainerState | null = null;
      if (balancer?.containerId) {
        try {
          live = await this.deps.rt.inspectContainer(balancer.containerId);
        } catch (err) {
          this.report("inspect the balancer", err);
        }
      }
      if (!balancer.containerId || !live?.running) {
        feed.state = "waiting";
        feed.message = `The balancer ${balancer.hostname} is not running`;
        await sleepOrAbort(1000, signal);
        continue;
      }
      feed.state = "following";
      feed.message = null;
      feed.opens++;
      feed.catchingUp = true;
      // A stream that says nothing for a while is reopened from the cursor: an engine log follower that
      // stalls would otherwise hide requests until the balancer restarts. Reopening is cheap (read from the
      // end of the file) and counts nothing twice (cursor, then cumulative counters: see balancer-counters.ts).
      const stream = new AbortController();
      const onAbort = () => stream.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      // The watchdog notes when the line count last moved: a clock read per line cost more than the rest of onLine
      // for most lines (Next wraps Date.now).
      let linesSeen = feed.lines;
      let lastLineAt = this.now();
      const silence = this.deps.settings.silenceReopenMs;
      let rested = false;
      const watchdog = setInterval(() => {
        if (!this.watched()) {
          // Nobody looked for watchedForMs: back to reading in rounds, from the cursor.
          rested = true;
          stream.abort();
        } else if (feed.lines !== linesSeen) {
          linesSeen = feed.lines;
          lastLineAt = this.now();
        } else if (this.now() - lastLineAt >= silence) {
          afterSilence = true;
          stream.abort();
        }
      }, Math.max(50, Math.floor(Math.min(silence, this.deps.settings.watchedForMs) / 5)));
      const reopenedAfterSilence = afterSilence;
      afterSilence = false;
      // A read in one go under way finishes first: the stream starts after what it counted.
      await feed.reading;
      feed.streaming = true;
      try {
        await this.deps.rt.followLogs(live.id, (line) => this.onLine(line, ordinal), {
          after: feed.cursor ?? undefined,
          ...(reopenedAfterSilence && feed.cursor ? { tail: SILENCE_TAIL_LINES } : {}),
          // The balancer counts requests itself and writes its totals to stderr; its access log (stdout) is
          // for people and is not read here, so collection costs the same at any request rate.
          stderrOnly: true,
          signal: stream.signal,
        });
      } catch (err) {
        this.readFailed(feed, balancer.hostname, "follow the balancer log", err);
      } finally {
        feed.streaming = false;
        clearInterval(watchdog);
        signal.removeEventListener("abort", onAbort);
        // The next stream starts after the cursor: what is held back is counted now.
        this.settle(feed);
      }
      if (afterSilence || rested) continue;
      // The stream ended: the balancer stopped or restarted. Reopen from the cursor once it runs.
      await sleepOrAbort(500, signal);
    }
  }

  /** Resolves when somebody reads the statistics (noteViewer) or on abort. */
  private untilWatched(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted || this.watched()) return resolve();
      const done = () => {
        this.wakers.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.wakers.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /**
   * Reads, in one request, what a balancer wrote to stderr since the feed's cursor and counts it (each counters line
   * lands in the second the balancer wrote it, see RequestAggregator.recordCounters). Nothing when a stream follows
   * the log already. Works on a stopped balancer too (its last lines are still in the engine's log).
   */
  private catchUp(ordinal: number): Promise<void> {
    const feed = this.feed(ordinal);
    const balancer = this.balancers().find((n) => n.ordinal === ordinal);
    if (feed.streaming || !balancer?.containerId) return Promise.resolve();
    const containerId = balancer.containerId;
    feed.reading ??= (async () => {
      try {
        const lines = await this.deps.rt.readLogs(containerId, { ...(feed.cursor ? { since: feed.cursor } : {}), stderrOnly: true });
        feed.catchingUp = true;
        for (const line of lines) this.onLine(line, ordinal);
        this.settle(feed);
        feed.state = "following";
        feed.message = null;
      } catch (err) {
        feed.state = "waiting";
        this.readFailed(feed, balancer.hostname, "read the balancer log", err);
      } finally {
        feed.reading = null;
      }
    })();
    return feed.reading;
  }

  /** What a feed says when its log could not be read (followed or in one go). */
  private readFailed(feed: BalancerFeed, hostname: string, what: string, err: unknown): void {
    feed.message = `Reading the log of ${hostname} failed: ${err instanceof Error ? err.message : String(err)}`;
    this.report(what, err);
  }

  private catchUpAll(): Promise<void> {
    return Promise.all(this.balancers().map((b) => this.catchUp(b.ordinal))).then(() => undefined);
  }

  /**
   * One stderr line. Counters lines are cumulative, so of several lines of one balancer generation written in the
   * same second only the last one needs reading: it is held back (pending) until a line of another second or
   * generation arrives, or somebody reads the statistics, or the totals are written, or the stream ends. Under
   * traffic that parses one line a second instead of four (parsing and checking a line is most of what a line
   * costs), and every request still lands in the second the balancer counted it in. nginx's own error lines are
   * skipped. The cursor only filters the first lines of a reopened stream: past it, lines are new even if the
   * clock stepped back. `ordinal`: the balancer whose log it is (the first by default).
   */
  onLine(line: LogLine, ordinal = 1): void {
    const feed = this.feed(ordinal);
    feed.lines++;
    if (feed.catchingUp && feed.cursor && compareLogTimestamps(line.timestamp, feed.cursor) <= 0) return;
    feed.catchingUp = false;
    const key = line.stream === "stderr" ? coalesceKey(line.text) : null;
    if (feed.pending && key !== feed.pendingKey) this.settle(feed);
    if (key === null) {
      this.countLine(feed, line);
      return;
    }
    feed.pending = line;
    feed.pendingKey = key;
  }

  /** Counts the lines held back by onLine, of one feed or of all. */
  private settle(only?: BalancerFeed): void {
    for (const feed of only ? [only] : this.feeds.values()) {
      const line = feed.pending;
      if (!line) continue;
      feed.pending = null;
      feed.pendingKey = null;
      this.countLine(feed, line);
    }
  }

  /**
   * A counters line adds what changed since the largest counts seen (so a line read twice adds nothing). Each
   * balancer's lines are differenced against its own: two balancers' counts add up.
   */
  private countLine(feed: BalancerFeed, line: LogLine): void {
    feed.cursor = line.timestamp;
    const snapshot = line.stream === "stderr" ? parseCountersLine(line.text) : null;
    if (!snapshot) return;
    const { delta, base } = advanceCounters(feed.counters, snapshot);
    // Only new counts are worth a database write: the balancer's heartbeat lines (nothing changed) move the cursor
    // in memory only; after a restart they are read again from the older cursor and add nothing.
    if (base.gen !== feed.counters?.gen || delta.failovers > 0 || Object.values(delta.addresses).some((a) => a.total > 0 || a.failed > 0)) this.dirty = true;
    feed.counters = base;
    this.agg.recordCounters(delta, this.resolve, Math.floor(this.now() / 1000));
  }

  // ---- session store and resources ----

  /**
   * The gauges, every pollMs while somebody looks. Otherwise one round every unwatchedPollMs does all the work of the
   * environment at once: the balancers' lines since the cursor, the gauges, the totals and the closed minutes.
   */
  private async pollLoop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const started = this.now();
      const resting = !this.watched();
      if (resting) await this.catchUpAll();
      try {
        await this.pollOnce();
      } catch (err) {
        this.report("poll nodes", err);
      }
      if (resting) await this.persist();
      const interval = this.watched() ? this.deps.settings.pollMs : this.deps.settings.unwatchedPollMs;
      let wakeThis: (() => void) | null = null;
      await sleepOrAbort(Math.max(200, interval - (this.now() - started)), signal, (wake) => this.wakers.add((wakeThis = wake)));
      if (wakeThis) this.wakers.delete(wakeThis);
    }
  }

  private watched(): boolean {
    return this.now() - this.viewedAt < this.deps.settings.watchedForMs;
  }

  /**
   * Somebody reads the statistics: CPU/memory and the session store are polled every pollMs from now on (and at once
   * when nobody had looked for a while), instead of every unwatchedPollMs. Request counts are exact either way.
   */
  private noteViewer(): void {
    const wasWatched = this.watched();
    this.viewedAt = this.now();
    if (!wasWatched) for (const wake of [...this.wakers]) wake();
  }

  async pollOnce(): Promise<void> {
    const rt = this.deps.rt;
    const live = new Map<string, ContainerState>();
    for (const c of await rt.listContainers({ [LABEL.environment]: this.target.id })) {
      const id = c.labels[LABEL.node];
      if (id) live.set(id, c);
    }
    const resources = Promise.all(
      this.target.nodes.map(async (n) => {
        const c = live.get(n.id);
        // The same smoothed health the node cards show (server/health/node-health.ts).
        const status = c ? nodeHealth(n.id, c.status) : "missing";
        if (!c?.running) {
          this.resources.set(n.id, { status, cpuPercent: 0, memoryBytes: 0, memoryLimitBytes: 0 });
          return;
        }
        try {
          const s = await withTimeout(rt.stats(c.id), 10_000, `stats of ${n.hostname}`);
          this.resources.set(n.id, { status, cpuPercent: s?.cpuPercent ?? 0, memoryBytes: s?.memoryBytes ?? 0, memoryLimitBytes: s?.memoryLimitBytes ?? 0 });
        } catch (err) {
          this.resources.set(n.id, { ...(this.resources.get(n.id) ?? { cpuPercent: 0, memoryBytes: 0, memoryLimitBytes: 0 }), status });
          this.report(`stats of ${n.hostname}`, err);
        }
      }),
    );
    const sessions = Promise.all(
      this.target.nodes
        .filter((n) => n.role === "session")
        .map(async (n) => {
          const c = live.get(n.id);
          if (!c?.running) return this.readings.set(n.id, null);
          try {
            const r = await rt.exec(c.id, this.storeKind().countersCommand, { timeoutMs: 5000 });
            const reading = r.exitCode === 0 ? this.storeKind().parseCounters(r.stdout) : null;
            this.readings.set(n.id, reading);
            if (reading) {
              const before = this.sessionTotals[n.id];
              const after = accumulate(before, reading);
              this.sessionTotals[n.id] = after;
              // Only a change is worth a database write.
              if (JSON.stringify(before) !== JSON.stringify(after)) this.dirty = true;
            }
          } catch (err) {
            this.readings.set(n.id, null);
            this.report(`session counters of ${n.hostname}`, err);
          }
        }),
    );
    await Promise.all([resources, sessions]);
    this.sessionSampledAt = this.now();
    const session = this.sessionFigures();
    const t = Math.floor(this.now() / 1000);
    this.gauges.push({
      t,
      nodes: Object.fromEntries([...this.resources].map(([id, r]) => [id, { cpuPercent: r.cpuPercent, memoryBytes: r.memoryBytes }])),
      sessionItems: session.items,
      hitRatio: session.hitRatio,
    });
    const keepFrom = t - LIVE_WINDOW_SECONDS;
    if (this.gauges.length && this.gauges[0]!.t <= keepFrom) this.gauges = this.gauges.filter((g) => g.t > keepFrom);
  }

  private sessionFigures() {
    const stores = this.target.nodes.filter((n) => n.role === "session");
    return combineSession(
      this.target.sessionType,
      stores.map((n) => this.readings.get(n.id) ?? null),
      stores.map((n) => this.sessionTotals[n.id]).filter((s) => s !== undefined),
    );
  }

  // ---- persistence ----

  /** While somebody looks; otherwise pollLoop's round persists. */
  private async flushLoop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      await sleepOrAbort(this.deps.settings.flushMs, signal);
      if (signal.aborted) break;
      if (this.watched()) await this.persist();
    }
  }

  /** Totals (when counts changed) and the minutes that ended. */
  private async persist(): Promise<void> {
    this.settle();
    const nowSec = Math.floor(this.now() / 1000);
    this.agg.seal(nowSec);
    try {
      if (this.dirty) await this.flush();
      await this.writeClosedMinutes(nowSec);
    } catch (err) {
      this.report("save statistics", err);
    }
  }

  /** Writes totals and cursor as one consistent snapshot (taken synchronously). */
  async flush(): Promise<void> {
    this.settle();
    const snapshot: PersistedState = {
      totals: structuredClone(this.agg.totals),
      feeds: Object.fromEntries([...this.feeds].map(([ordinal, f]) => [ordinal, { cursor: f.cursor, counters: structuredClone(f.counters) }])),
      session: structuredClone(this.sessionTotals),
    };
    this.dirty = false;
    try {
      await this.deps.store.save(this.target.id, snapshot);
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  /**
   * A minute is written once it ended a few seconds ago (late lines have arrived by then). While nobody looks the gauges
   * are read once a round (unwatchedPollMs, several minutes): a minute without a reading of its own takes the first
   * one after it, which covers it (CPU from the cgroup counters is the average since the previous reading; memory,
   * items and hit ratio are held). So the history's gauges are as coarse as the rounds then, never missing.
   */
  private async writeClosedMinutes(nowSec: number): Promise<void> {
    const step = this.deps.settings.sampleSeconds;
    const rows: SampleRow[] = [];
    const firstMinute = this.lastSampleMinute;
    while (this.lastSampleMinute + step + 5 <= nowSec) {
      const from = this.lastSampleMinute;
      this.lastSampleMinute += step;
      const own = this.gauges.filter((g) => g.t >= from && g.t < from + step);
      const next = own.length ? undefined : this.gauges.find((g) => g.t >= from + step);
      const sample = minuteSample(this.agg.points(from, from + step - 1, step)[0], next ? [next] : own);
      if (sample) rows.push({ at: new Date(from * 1000), bucketSeconds: step, data: sample });
    }
    try {
      await this.deps.store.addSamples(this.target.id, rows);
    } catch (err) {
      // Not written: the same minutes again next time (their counts and gauges are still in memory).
      this.lastSampleMinute = firstMinute;
      throw err;
    }
  }

  /**
   * The history is about to be read: do a round now (the balancers' lines since the cursor, the gauges, the totals and
   * the closed minutes), so the minutes since the last round are in the database too.
   */
  async bringHistoryUpToDate(): Promise<void> {
    if (this.abort.signal.aborted) return;
    await this.catchUpAll();
    try {
      await this.pollOnce();
    } catch (err) {
      this.report("poll nodes", err);
    }
    await this.persist();
  }

  // ---- reading ----

  /**
   * What the API and the live stream read: first the balancers' lines not read yet (a resting collector reads them
   * now, in one request each), so every request answered before the counters line the balancer last wrote is in.
   */
  async read(windowSeconds: number, step = 1, gaugesSince?: number): Promise<Stats> {
    this.noteViewer();
    if (!this.abort.signal.aborted) await this.catchUpAll();
    return this.snapshot(windowSeconds, step, gaugesSince);
  }

  snapshot(windowSeconds: number, step = 1, gaugesSince?: number): Stats {
    this.noteViewer();
    // Whoever reads sees every line read so far.
    this.settle();
    const nowMs = this.now();
    const nowSec = Math.floor(nowMs / 1000);
    const rate = this.agg.rate(nowSec, RATE_WINDOW_SECONDS);
    const latency = this.agg.latency(nowSec);
    const totals = this.agg.totals;
    const res = (id: string | undefined) => (id ? this.resources.get(id) : undefined);
    // Two balancers: their CPU and memory add up.
    const balancerUse = (what: "cpuPercent" | "memoryBytes") => {
      const values = this.balancers().map((b) => res(b.id)?.[what]).filter((v): v is number => v !== undefined);
      return values.length ? values.reduce((a, b) => a + b, 0) : null;
    };
    const nodes: NodeStats[] = this.appNodes().map((n) => {
      const r = res(n.id);
      const t = totals.nodes[n.id];
      return {
        id: n.id,
        hostname: n.hostname,
        ip: n.ip,
        status: r?.status ?? "unknown",
        requests: { ...(t?.requests ?? zeroCounts()) },
        failedAttempts: t?.failedAttempts ?? 0,
        requestsPerSecond: round(rate.byNode[n.id] ?? 0),
        share: rate.requests ? round(rate.share[n.id] ?? 0, 4) : null,
        latencyMs: latency.byNode[n.id] ?? { p50: null, p95: null },
        cpuPercent: r ? r.cpuPercent : null,
        memoryBytes: r ? r.memoryBytes : null,
        memoryLimitBytes: r ? r.memoryLimitBytes : null,
      };
    });
    const stores = this.target.nodes.filter((n) => n.role === "session").sort((a, b) => a.ordinal - b.ordinal);
    const figures = this.sessionFigures();
    const from = nowSec - windowSeconds + 1;
    const gFrom = gaugesSince ?? from;
    return {
      environmentId: this.target.id,
      at: new Date(nowMs).toISOString(),
      collector: this.collectorInfo(),
      balancer: {
        ...structuredClone(totals.balancer),
        requestsPerSecond: round(rate.perSecond),
        latencyMs: latency.overall,
        cpuPercent: balancerUse("cpuPercent"),
        memoryBytes: balancerUse("memoryBytes"),
      },
      nodes,
      session: {
        type: this.target.sessionType,
        items: figures.items,
        hits: figures.hits,
        misses: figures.misses,
        evictions: figures.evictions,
        hitRatio: figures.hitRatio,
        connections: figures.connections,
        bytes: figures.bytes,
        countRule: this.storeKind().countRule,
        sampledAt: this.sessionSampledAt ? new Date(this.sessionSampledAt).toISOString() : null,
        nodes: stores.map((n) => {
          const r = this.readings.get(n.id);
          const t = this.sessionTotals[n.id]?.total;
          return {
            id: n.id,
            hostname: n.hostname,
            up: !!r?.up,
            items: r?.items ?? 0,
            hits: t?.hits ?? 0,
            misses: t?.misses ?? 0,
            evictions: t?.evictions ?? 0,
            connections: r?.connections ?? 0,
            bytes: r?.bytes ?? 0,
            cpuPercent: res(n.id)?.cpuPercent ?? null,
            memoryBytes: res(n.id)?.memoryBytes ?? null,
          };
        }),
      },
      series: {
        stepSeconds: step,
        points: this.agg.points(from, nowSec, step),
        gauges: this.gauges.filter((g) => g.t >= gFrom),
      },
    };
  }
}
