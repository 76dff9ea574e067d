/** Counts per latency bucket: counts[i] requests took at most bounds[i] ms; the last count, longer. */
export interface Histogram {
  bounds: readonly number[];
  counts: readonly number[];
}

/**
 * Pure: p50/p95 of latency histograms together (nearest rank over the buckets). A histogram bucket
 * stands for its upper bound (the slowest bucket for the last bound), so a percentile says "at most"
 * that many ms. Nothing counted gives nulls.
 */
export function histogramPercentiles(histograms: readonly Histogram[]): { p50: number | null; p95: number | null } {
  const weighted = new Map<number, number>();
  for (const h of histograms) {
    h.counts.forEach((n, i) => {
      if (!n) return;
      const v = h.bounds[Math.min(i, h.bounds.length - 1)]!;
      weighted.set(v, (weighted.get(v) ?? 0) + n);
    });
  }
  const sorted = [...weighted].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, n]) => s + n, 0);
  if (!total) return { p50: null, p95: null };
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let acc = 0;
    for (const [v, n] of sorted) {
      acc += n;
      if (acc >= rank) return Math.round(v * 10) / 10;
    }
    return Math.round(sorted[sorted.length - 1]![0] * 10) / 10;
  };
  return { p50: at(50), p95: at(95) };
}

/** Adds `counts` into `into` (same bounds), growing it when needed. */
export function addCounts(into: number[], counts: readonly number[]): void {
  counts.forEach((n, i) => (into[i] = (into[i] ?? 0) + n));
}
