import { describe, expect, it } from "vitest";
import { mergeLatency, RequestAggregator, resolverFor } from "./aggregate";
import { advanceCounters, parseCountersLine, type CountersSnapshot } from "./balancer-counters";
import { FakeBalancerCounters, type FakeRequest } from "./test-helpers";

const NOW = 1_700_000_100;
const A = "10.213.4.21";
const B = "10.213.4.22";
const resolve = resolverFor([
  { id: "a", ip: A },
  { id: "b", ip: B },
]);

/** A balancer counting requests and the collector's path for its lines: parse, difference, record. */
function balancerFor(agg: RequestAggregator) {
  const lb = new FakeBalancerCounters();
  let base: CountersSnapshot | null = null;
  return {
    lb,
    request(r: Partial<FakeRequest> = {}) {
      lb.request({ upstreams: [`${A}:80`], ...r });
    },
    /** nginx writes its counters line at `tsSec`; Phleet reads it at `NOW`. */
    emit(tsSec = NOW) {
      const { delta, base: next } = advanceCounters(base, parseCountersLine(lb.line(tsSec))!);
      base = next;
      agg.recordCounters(delta, resolve, NOW);
    },
  };
}

describe("resolverFor", () => {
  it("attributes an upstream address to the app node with that IP, whatever the port", () => {
    expect(resolve(`${A}:80`)).toBe("a");
    expect(resolve(`${B}:8080`)).toBe("b");
    expect(resolve(A)).toBe("a");
    expect(resolve("phleet_app")).toBeUndefined();
    expect(resolve("-")).toBeUndefined();
    expect(resolve("10.213.4.23:80")).toBeUndefined();
  });
});

describe("RequestAggregator", () => {
  it("counts per environment and per node by status class", () => {
    const agg = new RequestAggregator();
    const lb = balancerFor(agg);
    for (let i = 0; i < 3; i++) lb.request();
    lb.request({ upstreams: [`${B}:80`], status: 404 });
    lb.request({ upstreams: [`${B}:80`], status: 503 });
    lb.emit();
    expect(agg.totals.balancer.requests).toEqual({ total: 5, "2xx": 3, "3xx": 0, "4xx": 1, "5xx": 1 });
    expect(agg.totals.nodes.a!.requests.total).toBe(3);
    expect(agg.totals.nodes.b!.requests).toEqual({ total: 2, "2xx": 0, "3xx": 0, "4xx": 1, "5xx": 1 });
    expect(agg.totals.balancer.bytes).toBe(50);
  });

  it("counts a failover once, on the node that answered, and the failed attempt on the other", () => {
    const agg = new RequestAggregator();
    const lb = balancerFor(agg);
    lb.request({ upstreams: [`${B}:80`, `${A}:80`] });
    lb.emit();
    expect(agg.totals.balancer.failovers).toBe(1);
    expect(agg.totals.balancer.failedAttempts).toBe(1);
    expect(agg.totals.balancer.requests.total).toBe(1);
    expect(agg.totals.nodes.a!.requests.total).toBe(1);
    expect(agg.totals.nodes.b!.requests.total).toBe(0);
    expect(agg.totals.nodes.b!.failedAttempts).toBe(1);
    expect(agg.points(NOW, NOW)[0]!.failovers).toBe(1);
  });

  it("keeps requests no node answered apart", () => {
    const agg = new RequestAggregator();
    const lb = balancerFor(agg);
    lb.request({ upstreams: ["phleet_app"], status: 502 });
    lb.request({ upstreams: [] });
    lb.emit();
    expect(agg.totals.balancer.unattributed).toBe(2);
    expect(agg.totals.balancer.requests.total).toBe(2);
    expect(Object.keys(agg.totals.nodes)).toEqual([]);
    expect(agg.points(NOW, NOW)[0]).toMatchObject({ requests: 2, byNode: {} });
  });

  it("buckets by the second of each line into a dense series, and reports rate and share", () => {
    const agg = new RequestAggregator();
    const lb = balancerFor(agg);
    for (let s = 0; s < 10; s++) {
      lb.request();
      if (s >= 5) lb.request({ upstreams: [`${B}:80`] });
      lb.emit(NOW - 10 + s + 0.5);
    }
    const pts = agg.points(NOW - 11, NOW);
    expect(pts).toHaveLength(12);
    expect(pts[0]!.requests).toBe(0);
    expect(pts[1]!.byNode).toEqual({ a: 1 });
    expect(pts[10]!.byNode).toEqual({ a: 1, b: 1 });
    expect(pts.map((p) => p.requests)).toEqual([0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 0]);
    const r = agg.rate(NOW, 10);
    expect(r.requests).toBe(15);
    expect(r.perSecond).toBeCloseTo(1.5);
    expect(r.share.a).toBeCloseTo(10 / 15);
    expect(r.share.b).toBeCloseTo(5 / 15);
    const wide = agg.points(NOW - 20, NOW, 10);
    expect(wide.reduce((s, p) => s + p.requests, 0)).toBe(15);
  });

  it("counts old lines in the totals but not in the live window", () => {
    const agg = new RequestAggregator(undefined, 60);
    const lb = balancerFor(agg);
    lb.request();
    lb.emit(NOW - 3600);
    expect(agg.totals.balancer.requests.total).toBe(1);
    expect(agg.points(NOW - 59, NOW).every((p) => p.requests === 0)).toBe(true);
  });

  it("gives p50/p95 of the upstream time from the balancer's histograms, overall and per node, and keeps them after sealing", () => {
    const agg = new RequestAggregator();
    const lb = balancerFor(agg);
    // 1..50 ms on a, 51..100 ms on b; a percentile is the upper bound of its histogram bucket (... 30, 50, 75, 100).
    for (let i = 1; i <= 100; i++) lb.request({ upstreamMs: i, upstreams: [`${i <= 50 ? A : B}:80`] });
    lb.request({ upstreamMs: null }); // no upstream time ("-"): counted, but not in the percentiles
    lb.emit();
    const lat = agg.latency(NOW);
    expect(lat.overall).toEqual({ p50: 50, p95: 100 });
    expect(lat.byNode.a).toEqual({ p50: 30, p95: 50 });
    expect(lat.byNode.b).toEqual({ p50: 75, p95: 100 });
    // Past the latency window the histograms are gone; the second keeps its own p50/p95 for the charts.
    agg.seal(NOW + 120);
    expect(agg.latency(NOW + 120)).toEqual({ overall: { p50: null, p95: null }, byNode: {} });
    expect(agg.points(NOW, NOW)[0]).toMatchObject({ requests: 101, p50: 50, p95: 100 });
  });

  it("resumes from persisted totals", () => {
    const first = new RequestAggregator();
    const lb = balancerFor(first);
    lb.request();
    lb.emit();
    const second = new RequestAggregator(structuredClone(first.totals));
    // The counters base is persisted with the totals (the collector's PersistedState): the next line adds only what is new.
    const base = parseCountersLine(lb.lb.line(NOW))!;
    lb.lb.request({ upstreams: [`${B}:80`] });
    const { delta } = advanceCounters(base, parseCountersLine(lb.lb.line(NOW + 1))!);
    second.recordCounters(delta, resolve, NOW + 1);
    expect(second.totals.balancer.requests.total).toBe(2);
    expect(second.totals.nodes).toMatchObject({ a: { requests: { total: 1 } }, b: { requests: { total: 1 } } });
    expect(first.totals.balancer.requests.total).toBe(1);
  });
});

describe("mergeLatency", () => {
  it("weights buckets by their request count", () => {
    expect(mergeLatency([{ n: 9, lat: { p50: 10, p95: 20 } }, { n: 1, lat: { p50: 100, p95: 200 } }])).toEqual({ p50: 10, p95: 200 });
    expect(mergeLatency([])).toEqual({ p50: null, p95: null });
  });
});
