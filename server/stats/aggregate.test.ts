import { describe, expect, it } from "vitest";
import { mergeLatency, RequestAggregator, resolverFor } from "./aggregate";
import type { BalancerRecord } from "./balancer-log";

const NOW = 1_700_000_100;
const A = "10.213.4.21";
const B = "10.213.4.22";
const resolve = resolverFor([
  { id: "a", ip: A },
  { id: "b", ip: B },
]);
let n = 0;
const rec = (o: Partial<BalancerRecord> = {}): BalancerRecord => ({
  ts: NOW * 1000,
  rid: `r${n++}`,
  method: "GET",
  uri: "/counter.php",
  status: 200,
  upstreams: [`${A}:80`],
  upstreamStatuses: ["200"],
  upstreamMs: 5,
  upstreamTotalMs: 5,
  requestMs: 6,
  bytes: 10,
  ...o,
});

describe("RequestAggregator", () => {
  it("counts per environment and per node by status class", () => {
    const agg = new RequestAggregator();
    for (let i = 0; i < 3; i++) agg.record(rec(), resolve, NOW);
    agg.record(rec({ upstreams: [`${B}:80`], status: 404 }), resolve, NOW);
    agg.record(rec({ upstreams: [`${B}:80`], status: 503 }), resolve, NOW);
    expect(agg.totals.balancer.requests).toEqual({ total: 5, "2xx": 3, "3xx": 0, "4xx": 1, "5xx": 1 });
    expect(agg.totals.nodes.a!.requests.total).toBe(3);
    expect(agg.totals.nodes.b!.requests).toEqual({ total: 2, "2xx": 0, "3xx": 0, "4xx": 1, "5xx": 1 });
    expect(agg.totals.balancer.bytes).toBe(50);
  });

  it("counts a failover once, on the node that answered, and the failed attempt on the other", () => {
    const agg = new RequestAggregator();
    agg.record(rec({ upstreams: [`${B}:80`, `${A}:80`], upstreamStatuses: ["502", "200"] }), resolve, NOW);
    expect(agg.totals.balancer.failovers).toBe(1);
    expect(agg.totals.balancer.failedAttempts).toBe(1);
    expect(agg.totals.nodes.a!.requests.total).toBe(1);
    expect(agg.totals.nodes.b!.requests.total).toBe(0);
    expect(agg.totals.nodes.b!.failedAttempts).toBe(1);
    expect(agg.points(NOW, NOW)[0]!.failovers).toBe(1);
  });

  it("keeps requests no node answered apart", () => {
    const agg = new RequestAggregator();
    agg.record(rec({ upstreams: ["phleet_app"], status: 502 }), resolve, NOW);
    agg.record(rec({ upstreams: [] }), resolve, NOW);
    expect(agg.totals.balancer.unattributed).toBe(2);
    expect(agg.totals.balancer.requests.total).toBe(2);
    expect(Object.keys(agg.totals.nodes)).toEqual([]);
  });

  it("buckets by request time into a dense series, and reports rate and share", () => {
    const agg = new RequestAggregator();
    for (let s = 0; s < 10; s++) {
      agg.record(rec({ ts: (NOW - 10 + s) * 1000 + 500 }), resolve, NOW);
      if (s >= 5) agg.record(rec({ ts: (NOW - 10 + s) * 1000 + 600, upstreams: [`${B}:80`] }), resolve, NOW);
    }
    const pts = agg.points(NOW - 11, NOW);
    expect(pts).toHaveLength(12);
    expect(pts[0]!.requests).toBe(0);
    expect(pts[1]!.byNode).toEqual({ a: 1 });
    expect(pts[10]!.byNode).toEqual({ a: 1, b: 1 });
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
    agg.record(rec({ ts: (NOW - 3600) * 1000 }), resolve, NOW);
    expect(agg.totals.balancer.requests.total).toBe(1);
    expect(agg.points(NOW - 59, NOW).every((p) => p.requests === 0)).toBe(true);
  });

  it("gives p50/p95 of the upstream time, overall and per node, and keeps them after sealing", () => {
    const agg = new RequestAggregator();
    for (let i = 1; i <= 100; i++) agg.record(rec({ upstreamMs: i, upstreams: [`${i % 2 ? A : B}:80`] }), resolve, NOW);
    const lat = agg.latency(NOW);
    expect(lat.overall).toEqual({ p50: 50, p95: 95 });
    expect(lat.byNode.a!.p50).toBe(49);
    agg.seal(NOW + 120);
    expect(agg.points(NOW, NOW)[0]).toMatchObject({ p50: 50, p95: 95 });
  });

  it("resumes from persisted totals", () => {
    const first = new RequestAggregator();
    first.record(rec(), resolve, NOW);
    const second = new RequestAggregator(structuredClone(first.totals));
    second.record(rec(), resolve, NOW);
    expect(second.totals.balancer.requests.total).toBe(2);
    expect(first.totals.balancer.requests.total).toBe(1);
  });
});

describe("mergeLatency", () => {
  it("weights buckets by their request count", () => {
    expect(mergeLatency([{ n: 9, lat: { p50: 10, p95: 20 } }, { n: 1, lat: { p50: 100, p95: 200 } }])).toEqual({ p50: 10, p95: 200 });
    expect(mergeLatency([])).toEqual({ p50: null, p95: null });
  });
});
