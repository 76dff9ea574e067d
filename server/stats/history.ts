import type { GaugePoint, HistoryPoint } from "../contracts/stats";
import { mergeLatency, zeroCounts, type SeriesPoint } from "./aggregate";
import type { SampleRow } from "./store";

/** Pure: the downsampled history (one StatsSample row per minute) and its reading back. */

export type SampleData = Omit<HistoryPoint, "at" | "bucketSeconds">;

const avg = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : 0);

/** One minute: its requests (one point of `step` = 60 s) and the gauge readings taken in it; null when both are empty. */
export function minuteSample(point: SeriesPoint | undefined, gauges: GaugePoint[]): SampleData | null {
  if ((!point || point.requests === 0) && gauges.length === 0) return null;
  const cpu: Record<string, number[]> = {};
  const memory: Record<string, number[]> = {};
  for (const g of gauges) {
    for (const [id, v] of Object.entries(g.nodes)) {
      (cpu[id] ??= []).push(v.cpuPercent);
      (memory[id] ??= []).push(v.memoryBytes);
    }
  }
  const last = gauges[gauges.length - 1];
  return {
    requests: point
      ? { total: point.requests, "2xx": point["2xx"], "3xx": point["3xx"], "4xx": point["4xx"], "5xx": point["5xx"] }
      : zeroCounts(),
    failovers: point?.failovers ?? 0,
    byNode: point?.byNode ?? {},
    p50: point?.p50 ?? null,
    p95: point?.p95 ?? null,
    cpu: Object.fromEntries(Object.entries(cpu).map(([id, v]) => [id, avg(v)])),
    memory: Object.fromEntries(Object.entries(memory).map(([id, v]) => [id, Math.round(avg(v))])),
    sessionItems: last?.sessionItems ?? null,
    hitRatio: last?.hitRatio ?? null,
  };
}

const MAX_POINTS = 720;

/** Rows back to points, merged into wider buckets when there are more than MAX_POINTS. */
export function historyPoints(rows: SampleRow[], hours: number): HistoryPoint[] {
  const valid = rows.filter((r): r is SampleRow & { data: SampleData } => !!r.data && typeof r.data === "object" && "requests" in (r.data as object));
  if (!valid.length) return [];
  const base = valid[0]!.bucketSeconds || 60;
  const width = Math.max(base, Math.ceil((hours * 3600) / MAX_POINTS / base) * base);
  const groups = new Map<number, (SampleRow & { data: SampleData })[]>();
  for (const r of valid) {
    const key = Math.floor(r.at.getTime() / 1000 / width) * width;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups].map(([key, list]) => {
    const requests = zeroCounts();
    const byNode: Record<string, number> = {};
    const cpu: Record<string, number[]> = {};
    const memory: Record<string, number[]> = {};
    let failovers = 0;
    for (const { data } of list) {
      for (const k of ["total", "2xx", "3xx", "4xx", "5xx"] as const) requests[k] += data.requests[k] ?? 0;
      failovers += data.failovers ?? 0;
      for (const [id, n] of Object.entries(data.byNode ?? {})) byNode[id] = (byNode[id] ?? 0) + n;
      for (const [id, v] of Object.entries(data.cpu ?? {})) (cpu[id] ??= []).push(v);
      for (const [id, v] of Object.entries(data.memory ?? {})) (memory[id] ??= []).push(v);
    }
    const lat = mergeLatency(list.map(({ data }) => ({ n: data.requests.total, lat: { p50: data.p50, p95: data.p95 } })));
    const last = list[list.length - 1]!.data;
    return {
      at: new Date(key * 1000).toISOString(),
      bucketSeconds: width,
      requests,
      failovers,
      byNode,
      p50: lat.p50,
      p95: lat.p95,
      cpu: Object.fromEntries(Object.entries(cpu).map(([id, v]) => [id, avg(v)])),
      memory: Object.fromEntries(Object.entries(memory).map(([id, v]) => [id, Math.round(avg(v))])),
      sessionItems: last.sessionItems,
      hitRatio: last.hitRatio,
    };
  });
}
