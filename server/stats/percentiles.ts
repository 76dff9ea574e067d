/** Pure: percentiles of small sample sets (nearest-rank on a sorted copy). */
function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

function p50p95(samples: readonly number[]): { p50: number | null; p95: number | null } {
  const sorted = [...samples].sort((a, b) => a - b);
  const r = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return { p50: r(percentile(sorted, 50)), p95: r(percentile(sorted, 95)) };
}

/**
 * A bounded sample of a stream (reservoir sampling, algorithm R): every value has the same chance
 * to be kept, so percentiles stay honest under heavy traffic while memory stays fixed.
 */
export class Reservoir {
  readonly values: number[] = [];
  private seen = 0;
  constructor(
    private readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {}

  add(v: number): void {
    this.seen++;
    if (this.values.length < this.capacity) this.values.push(v);
    else {
      const j = Math.floor(this.random() * this.seen);
      if (j < this.capacity) this.values[j] = v;
    }
  }
}

/** Counts per latency bucket: counts[i] requests took at most bounds[i] ms; the last count, longer. */
export interface Histogram {
  bounds: readonly number[];
  counts: readonly number[];
}

/**
 * p50/p95 of raw samples and histograms together. A histogram bucket stands for its upper bound (the
 * slowest bucket for the last bound), so a percentile from a histogram says "at most" that many ms.
 * Without histograms it is exactly p50p95(samples).
 */
export function p50p95Mixed(samples: readonly number[], histograms: readonly Histogram[]): { p50: number | null; p95: number | null } {
  if (!histograms.length) return p50p95(samples);
  const weighted = new Map<number, number>();
  for (const v of samples) weighted.set(v, (weighted.get(v) ?? 0) + 1);
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
