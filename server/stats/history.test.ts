import { describe, expect, it } from "vitest";
import { historyPoints, minuteSample } from "./history";

const point = (requests: number) => ({ t: 0, requests, "2xx": requests, "3xx": 0, "4xx": 0, "5xx": 0, failovers: 1, byNode: { a: requests }, p50: 4, p95: 9 });

describe("history", () => {
  it("turns a minute into a sample, and skips empty minutes", () => {
    const s = minuteSample(point(10), [
      { t: 1, nodes: { a: { cpuPercent: 2, memoryBytes: 100 } }, sessionItems: 3, hitRatio: 0.5 },
      { t: 4, nodes: { a: { cpuPercent: 4, memoryBytes: 300 } }, sessionItems: 4, hitRatio: 0.6 },
    ])!;
    expect(s).toMatchObject({ requests: { total: 10 }, failovers: 1, cpu: { a: 3 }, memory: { a: 200 }, sessionItems: 4, hitRatio: 0.6 });
    expect(minuteSample(point(0), [])).toBeNull();
  });

  it("merges rows into wider buckets for long spans", () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({
      at: new Date(Date.UTC(2024, 0, 1, 0, i)),
      bucketSeconds: 60,
      data: minuteSample(point(1), [])!,
    }));
    expect(historyPoints(rows, 2)).toHaveLength(120);
    const merged = historyPoints(rows, 24 * 30); // one point per hour at most 720 points
    expect(merged.length).toBeLessThan(120);
    expect(merged.reduce((s, p) => s + p.requests.total, 0)).toBe(120);
  });
});
