import { describe, expect, it } from "vitest";
import { RequestAggregator, resolverFor } from "./aggregate";
import { advanceCounters, COUNTERS_PREFIX, parseCountersLine, type CountersSnapshot } from "./balancer-counters";

const NOW = 1_700_000_100;
const A = "10.213.4.21";
const B = "10.213.4.22";
const resolve = resolverFor([
  { id: "a", ip: A },
  { id: "b", ip: B },
]);
const BOUNDS = [1, 2, 5, 10, 100];

/** A line as images/nginx-lb/phleet-stats.lua writes it. */
function line(gen: string, ts: number, fo: number, a: Record<string, { t: number; c: number[]; f: number; h: number[] }>): string {
  return `${COUNTERS_PREFIX}${JSON.stringify({ gen, ts, fo, bytes: 10 * fo, bounds: BOUNDS, a })}`;
}

describe("balancer counters", () => {
  it("parses the balancer's line and ignores nginx's own error lines", () => {
    const s = parseCountersLine(line("g1", NOW + 0.25, 1, { [`${A}:80`]: { t: 3, c: [2, 0, 0, 1], f: 1, h: [0, 3, 0, 0, 0, 0] } }));
    expect(s).toMatchObject({ gen: "g1", ts: (NOW + 0.25) * 1000, failovers: 1, bounds: BOUNDS });
    expect(s!.addresses[`${A}:80`]).toEqual({ total: 3, byClass: [2, 0, 0, 1], failed: 1, histogram: [0, 3, 0, 0, 0, 0] });
    expect(parseCountersLine("2026/11/23 20:20:37 [error] 9#9: connect() failed")).toBeNull();
    expect(parseCountersLine(`${COUNTERS_PREFIX}{"gen":"x"`)).toBeNull();
    expect(parseCountersLine(`${COUNTERS_PREFIX}{"gen":"x","ts":1,"fo":-1,"bytes":0,"bounds":[],"a":{}}`)).toBeNull();
    // Every number of the arrays is checked: counts, lengths, positive bounds.
    const ok = { t: 3, c: [2, 0, 0, 1], f: 1, h: [0, 3, 0, 0, 0, 0] };
    expect(parseCountersLine(line("g1", NOW, 0, { [`${A}:80`]: ok }))).not.toBeNull();
    for (const bad of [{ c: [2, 0, 1] }, { c: [2, 0, 0, 1, 0] }, { c: [2, 0, 0, -1] }, { h: [0, 1.5] }, { h: [0, "3"] }, { h: Array(66).fill(0) }, { h: null }]) {
      expect(parseCountersLine(line("g1", NOW, 0, { [`${A}:80`]: { ...ok, ...bad } as never }))).toBeNull();
    }
    expect(parseCountersLine(line("g1", NOW, 0, {}).replace(`"bounds":[1,2,5,10,100]`, `"bounds":[0,2]`))).toBeNull();
    expect(parseCountersLine(line("g1", NOW, 0, {}).replace(`"bounds":[1,2,5,10,100]`, `"bounds":[1,2.5]`))).toBeNull();
  });

  it("counts differences exactly: a line read twice or out of order adds nothing; a new generation starts from zero", () => {
    const agg = new RequestAggregator();
    let base: CountersSnapshot | null = null;
    const feed = (text: string) => {
      const r = advanceCounters(base, parseCountersLine(text)!);
      base = r.base;
      agg.recordCounters(r.delta, resolve, NOW);
    };
    const l1 = line("g1", NOW - 2, 0, { [`${A}:80`]: { t: 5, c: [5, 0, 0, 0], f: 0, h: [0, 5, 0, 0, 0, 0] } });
    const l2 = line("g1", NOW - 1, 1, {
      [`${A}:80`]: { t: 8, c: [7, 0, 1, 0], f: 0, h: [0, 6, 2, 0, 0, 0] },
      [`${B}:80`]: { t: 0, c: [0, 0, 0, 0], f: 1, h: [0, 0, 0, 0, 0, 0] },
      phleet_app: { t: 1, c: [0, 0, 0, 1], f: 0, h: [1, 0, 0, 0, 0, 0] },
    });
    feed(l1);
    feed(l2);
    feed(l1);
    feed(l2);
    expect(agg.totals.balancer.requests).toEqual({ total: 9, "2xx": 7, "3xx": 0, "4xx": 1, "5xx": 1 });
    expect(agg.totals.nodes.a!.requests).toEqual({ total: 8, "2xx": 7, "3xx": 0, "4xx": 1, "5xx": 0 });
    expect(agg.totals.nodes.b).toEqual({ requests: { total: 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 }, failedAttempts: 1 });
    expect(agg.totals.balancer).toMatchObject({ failovers: 1, failedAttempts: 1, unattributed: 1, bytes: 10 });
    const pts = agg.points(NOW - 2, NOW - 1);
    expect(pts.map((p) => p.requests)).toEqual([5, 4]);
    expect(pts[1]!.byNode).toEqual({ a: 3 });
    expect(pts[1]!.failovers).toBe(1);

    // The balancer restarted: its counters begin at zero under a new generation.
    feed(line("g2", NOW, 0, { [`${B}:80`]: { t: 2, c: [2, 0, 0, 0], f: 0, h: [0, 0, 0, 2, 0, 0] } }));
    expect(agg.totals.nodes.b!.requests.total).toBe(2);
    expect(agg.totals.balancer.requests.total).toBe(11);
  });

  it("gives p50/p95 from the histograms as the bucket's upper bound", () => {
    const agg = new RequestAggregator();
    const { delta } = advanceCounters(null, parseCountersLine(line("g", NOW, 0, { [`${A}:80`]: { t: 100, c: [100, 0, 0, 0], f: 0, h: [0, 0, 90, 6, 4, 0] } }))!);
    agg.recordCounters(delta, resolve, NOW);
    const lat = agg.latency(NOW);
    expect(lat.overall).toEqual({ p50: 5, p95: 10 });
    expect(lat.byNode.a).toEqual({ p50: 5, p95: 10 });
    agg.seal(NOW + 120);
    expect(agg.points(NOW, NOW)[0]).toMatchObject({ requests: 100, p50: 5, p95: 10 });
  });
});
