import type { CountersSnapshot } from "./balancer-counters";
import { addCounts, histogramPercentiles, type Histogram } from "./percentiles";
import { LATENCY_WINDOW_SECONDS, LIVE_WINDOW_SECONDS } from "./settings";

/**
 * Pure aggregation of the balancer's own counters (balancer-counters.ts): totals since creation (per
 * environment and per app node) and a one-hour ring of one-second buckets for the live charts. Buckets
 * are keyed by the time nginx wrote the counters line, so lines read late (after the stream was reopened)
 * land in the right second.
 */

export interface StatusCounts {
  total: number;
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
}
export const zeroCounts = (): StatusCounts => ({ total: 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 });

export interface BalancerTotals {
  requests: StatusCounts;
  /** Requests whose upstream list names more than one address: nginx tried a node, gave up on it and retried. */
  failovers: number;
  /** Upstream attempts that did not give the response (each address before the last one). */
  failedAttempts: number;
  /** Requests that no app node answered (no upstream, or an address that is not a node of the environment). */
  unattributed: number;
  bytes: number;
}

export interface NodeTotals {
  /** Requests this node answered (it was the last address nginx tried). */
  requests: StatusCounts;
  /** Attempts nginx made on this node that failed over to another one. */
  failedAttempts: number;
}

export interface RequestTotals {
  balancer: BalancerTotals;
  nodes: Record<string, NodeTotals>;
}

export const emptyTotals = (): RequestTotals => ({
  balancer: { requests: zeroCounts(), failovers: 0, failedAttempts: 0, unattributed: 0, bytes: 0 },
  nodes: {},
});

export interface Latency {
  p50: number | null;
  p95: number | null;
}

export interface SeriesPoint {
  /** Unix seconds: the start of the bucket. */
  t: number;
  requests: number;
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
  failovers: number;
  /** Requests answered by each app node in the bucket, by node id. */
  byNode: Record<string, number>;
  /** Upstream time of the answering attempt, ms. */
  p50: number | null;
  p95: number | null;
}

interface Bucket {
  t: number;
  counts: StatusCounts;
  failovers: number;
  byNode: Record<string, number>;
  /** Latency counted by the balancer itself, per histogram bucket: null until counted, and once sealed. */
  histogram: number[] | null;
  /** Per app node; null once sealed. */
  nodeHistograms: Map<string, number[]> | null;
  /** The bucket's own p50/p95, once its histograms were dropped (seal). */
  sealed: Latency | null;
}

export type NodeResolver = (address: string) => string | undefined;

/** "ip:port" -> "ip" (an address nginx could not resolve to one, like the group name, stays as it is). */
function hostOf(address: string): string {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address);
  return m ? m[1]! : address;
}

/** Builds a resolver from the app nodes' addresses on the environment network. */
export function resolverFor(nodes: { id: string; ip: string }[]): NodeResolver {
  const byIp = new Map(nodes.map((n) => [n.ip, n.id]));
  return (address) => byIp.get(hostOf(address));
}

export class RequestAggregator {
  readonly totals: RequestTotals;
  private readonly ring: (Bucket | undefined)[];
  /** Histogram bounds of the balancer's counters (the same for every line of a balancer image). */
  private bounds: readonly number[] = [];

  constructor(
    initial: RequestTotals = emptyTotals(),
    private readonly windowSeconds = LIVE_WINDOW_SECONDS,
  ) {
    this.totals = structuredClone(initial);
    this.ring = new Array<Bucket | undefined>(windowSeconds);
  }

  private node(id: string): NodeTotals {
    return (this.totals.nodes[id] ??= { requests: zeroCounts(), failedAttempts: 0 });
  }

  /**
   * Counts what the balancer counted itself since its previous counters line (`delta`, from
   * advanceCounters), at a cost that depends on the number of upstream addresses, not of requests.
   * `nowSec` bounds the live window; totals count every line, however old. The requests land in the
   * second nginx wrote the line.
   */
  recordCounters(delta: CountersSnapshot, resolve: NodeResolver, nowSec: number): void {
    const b = this.totals.balancer;
    b.bytes += delta.bytes;
    b.failovers += delta.failovers;
    const t = Math.floor((delta.ts || nowSec * 1000) / 1000);
    const live = t > nowSec - this.windowSeconds && t <= nowSec + 5;
    let bucket: Bucket | null = null;
    const bucketNow = () => (bucket ??= this.bucket(t));
    if (live && delta.failovers) bucketNow().failovers += delta.failovers;
    for (const [addr, a] of Object.entries(delta.addresses)) {
      const id = resolve(addr);
      if (a.failed) {
        b.failedAttempts += a.failed;
        if (id) this.node(id).failedAttempts += a.failed;
      }
      if (!a.total) continue;
      addAddressCounts(b.requests, a);
      if (id) addAddressCounts(this.node(id).requests, a);
      else b.unattributed += a.total;
      if (!live) continue;
      const bk = bucketNow();
      addAddressCounts(bk.counts, a);
      if (id) bk.byNode[id] = (bk.byNode[id] ?? 0) + a.total;
      if (bk.nodeHistograms && a.histogram.some((n) => n > 0)) {
        this.bounds = delta.bounds;
        addCounts((bk.histogram ??= []), a.histogram);
        if (id) {
          const h = bk.nodeHistograms.get(id) ?? [];
          addCounts(h, a.histogram);
          bk.nodeHistograms.set(id, h);
        }
      }
    }
  }

  private bucket(t: number): Bucket {
    const i = t % this.windowSeconds;
    let b = this.ring[i];
    if (!b || b.t !== t) {
      b = {
        t,
        counts: zeroCounts(),
        failovers: 0,
        byNode: {},
        histogram: null,
        nodeHistograms: new Map(),
        sealed: null,
      };
      this.ring[i] = b;
    }
    return b;
  }

  private at(t: number): Bucket | undefined {
    const b = this.ring[((t % this.windowSeconds) + this.windowSeconds) % this.windowSeconds];
    return b && b.t === t ? b : undefined;
  }

  /** Histograms older than the latency window are reduced to the bucket's own p50/p95, to bound memory. */
  seal(nowSec: number): void {
    for (const b of this.ring) {
      if (b && b.nodeHistograms && b.t < nowSec - LATENCY_WINDOW_SECONDS) {
        b.sealed = this.latencyOf(b);
        b.histogram = null;
        b.nodeHistograms = null;
      }
    }
  }

  private histograms(counts: number[] | null): Histogram[] {
    return counts && counts.some((n) => n > 0) ? [{ bounds: this.bounds, counts }] : [];
  }

  private latencyOf(b: Bucket): Latency {
    return b.sealed ?? histogramPercentiles(this.histograms(b.histogram));
  }

  /** Dense points from `from` to `to` (unix seconds, inclusive), `step` seconds each. */
  points(from: number, to: number, step = 1): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    const start = Math.max(from, to - this.windowSeconds + 1);
    const aligned = start - (((start % step) + step) % step);
    for (let t0 = aligned; t0 <= to; t0 += step) {
      const p: SeriesPoint = { t: t0, requests: 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, failovers: 0, byNode: {}, p50: null, p95: null };
      const parts: { n: number; lat: Latency }[] = [];
      for (let t = t0; t < t0 + step; t++) {
        const b = this.at(t);
        if (!b) continue;
        p.requests += b.counts.total;
        p["2xx"] += b.counts["2xx"];
        p["3xx"] += b.counts["3xx"];
        p["4xx"] += b.counts["4xx"];
        p["5xx"] += b.counts["5xx"];
        p.failovers += b.failovers;
        for (const [id, n] of Object.entries(b.byNode)) p.byNode[id] = (p.byNode[id] ?? 0) + n;
        if (b.counts.total) parts.push({ n: b.counts.total, lat: this.latencyOf(b) });
      }
      const merged = mergeLatency(parts);
      p.p50 = merged.p50;
      p.p95 = merged.p95;
      out.push(p);
    }
    return out;
  }

  /** Requests per second and each node's share over the last `seconds` whole seconds before `nowSec`. */
  rate(nowSec: number, seconds: number): { perSecond: number; byNode: Record<string, number>; share: Record<string, number>; requests: number } {
    let total = 0;
    let attributed = 0;
    const byNode: Record<string, number> = {};
    for (let t = nowSec - seconds; t < nowSec; t++) {
      const b = this.at(t);
      if (!b) continue;
      total += b.counts.total;
      for (const [id, n] of Object.entries(b.byNode)) {
        byNode[id] = (byNode[id] ?? 0) + n;
        attributed += n;
      }
    }
    const share: Record<string, number> = {};
    const perNode: Record<string, number> = {};
    for (const [id, n] of Object.entries(byNode)) {
      share[id] = attributed ? n / attributed : 0;
      perNode[id] = n / seconds;
    }
    return { perSecond: total / seconds, byNode: perNode, share, requests: total };
  }

  /** p50/p95 of the upstream time over the latency window, for the environment and for each node. */
  latency(nowSec: number): { overall: Latency; byNode: Record<string, Latency> } {
    const allHist: number[] = [];
    const perNode = new Map<string, number[]>();
    for (let t = nowSec - LATENCY_WINDOW_SECONDS; t <= nowSec; t++) {
      const b = this.at(t);
      if (!b?.nodeHistograms) continue;
      if (b.histogram) addCounts(allHist, b.histogram);
      for (const [id, h] of b.nodeHistograms) {
        const into = perNode.get(id) ?? [];
        addCounts(into, h);
        perNode.set(id, into);
      }
    }
    return {
      overall: histogramPercentiles(this.histograms(allHist)),
      byNode: Object.fromEntries([...perNode].map(([id, h]) => [id, histogramPercentiles(this.histograms(h))])),
    };
  }
}

function addAddressCounts(c: StatusCounts, a: CountersSnapshot["addresses"][string]) {
  c.total += a.total;
  c["2xx"] += a.byClass[0];
  c["3xx"] += a.byClass[1];
  c["4xx"] += a.byClass[2];
  c["5xx"] += a.byClass[3];
}

/**
 * Percentiles of several buckets from each bucket's own percentiles, weighted by its request count:
 * an approximation (exact when one bucket holds the requests), good enough for charts and history.
 */
export function mergeLatency(parts: { n: number; lat: Latency }[]): Latency {
  const pick = (key: "p50" | "p95", q: number) => {
    const list = parts.filter((p) => p.lat[key] !== null).map((p) => ({ v: p.lat[key] as number, n: p.n }));
    if (!list.length) return null;
    list.sort((a, b) => a.v - b.v);
    const total = list.reduce((s, p) => s + p.n, 0);
    let acc = 0;
    for (const p of list) {
      acc += p.n;
      if (acc >= q * total) return p.v;
    }
    return list[list.length - 1]!.v;
  };
  return { p50: pick("p50", 0.5), p95: pick("p95", 0.95) };
}
