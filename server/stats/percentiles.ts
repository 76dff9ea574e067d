/** Pure: percentiles of small sample sets (nearest-rank on a sorted copy). */
function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function p50p95(samples: readonly number[]): { p50: number | null; p95: number | null } {
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
