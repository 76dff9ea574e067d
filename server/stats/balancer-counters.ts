import { z } from "zod";

/**
 * Pure: the balancer's own counters (images/nginx-lb/phleet-stats.lua; HAProxy writes the same lines from its
 * own per-server counters, images/haproxy-lb/phleet-stats.lua). nginx counts every request in
 * shared memory and writes the cumulative totals as one stderr line a few times a second; Phleet turns
 * consecutive lines into differences, so its work per line does not depend on how many requests it covers.
 */

export const COUNTERS_PREFIX = "phleet-stats ";

/** One upstream address as nginx saw it (an app server, or the group name when none could be tried). */
interface AddressCounters {
  /** Requests this address answered (it was the last one tried). */
  total: number;
  /** Of those: 2xx, 3xx, 4xx, 5xx. */
  byClass: [number, number, number, number];
  /** Attempts on this address that failed over to another one. */
  failed: number;
  /** Upstream time of the answering attempt, counted per bucket of `bounds` (the last bucket: slower). */
  histogram: number[];
}

export interface CountersSnapshot {
  /** Changes when the balancer starts afresh (its counters begin at zero again); a reload keeps it. */
  gen: string;
  /** Unix ms when nginx wrote the line. */
  ts: number;
  failovers: number;
  bytes: number;
  /** Upper bounds (ms) of the histogram buckets. */
  bounds: number[];
  addresses: Record<string, AddressCounters>;
}

const count = z.number().int().nonnegative();
const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
/**
 * The numeric arrays (about 110 numbers a line) are checked by one predicate each instead of a schema per element:
 * zod's per-element checks were 80% of what a counters line cost the control plane (profiled: a round reads a few
 * hundred lines at once, every few minutes, so the code runs cold).
 */
const counts = <T extends number[] = number[]>(length: { min?: number; max: number }, message: string) =>
  z.custom<T>((v) => Array.isArray(v) && v.length >= (length.min ?? 0) && v.length <= length.max && v.every(isCount), { message });
const lineSchema = z.object({
  gen: z.string().min(1),
  ts: z.number(),
  fo: count,
  bytes: count,
  bounds: counts({ max: 64 }, "bounds: up to 64 integers").refine((b) => b.every((n) => n > 0), "bounds must be positive"),
  a: z.record(
    z.string(),
    z.object({
      t: count,
      c: counts<[number, number, number, number]>({ min: 4, max: 4 }, "c: 4 counts"),
      f: count,
      h: counts({ max: 65 }, "h: up to 65 counts"),
    }),
  ),
});

/** A counters line of the balancer's stderr, or null for anything else (nginx's own error lines). */
export function parseCountersLine(text: string): CountersSnapshot | null {
  if (!text.startsWith(COUNTERS_PREFIX)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text.slice(COUNTERS_PREFIX.length));
  } catch {
    return null;
  }
  const parsed = lineSchema.safeParse(raw);
  if (!parsed.success) return null;
  const l = parsed.data;
  return {
    gen: l.gen,
    ts: Math.round(l.ts * 1000),
    failovers: l.fo,
    bytes: l.bytes,
    bounds: l.bounds,
    addresses: Object.fromEntries(Object.entries(l.a).map(([addr, a]) => [addr, { total: a.t, byClass: a.c, failed: a.f, histogram: a.h }])),
  };
}

const minus = (a: number, b: number | undefined) => Math.max(0, a - (b ?? 0));
const most = (a: number, b: number | undefined) => Math.max(a, b ?? 0);

function combine(next: CountersSnapshot, base: CountersSnapshot | null, op: (a: number, b: number | undefined) => number): CountersSnapshot {
  const addresses: Record<string, AddressCounters> = {};
  for (const [addr, a] of Object.entries(next.addresses)) {
    const b = base?.addresses[addr];
    addresses[addr] = {
      total: op(a.total, b?.total),
      byClass: a.byClass.map((n, i) => op(n, b?.byClass[i])) as AddressCounters["byClass"],
      failed: op(a.failed, b?.failed),
      histogram: a.histogram.map((n, i) => op(n, b?.histogram[i])),
    };
  }
  // An address of the base that this line lacks cannot happen within one generation (counters only grow);
  // it is kept so the base never shrinks.
  if (op === most && base) for (const [addr, b] of Object.entries(base.addresses)) addresses[addr] ??= structuredClone(b);
  return { gen: next.gen, ts: next.ts, failovers: op(next.failovers, base?.failovers), bytes: op(next.bytes, base?.bytes), bounds: next.bounds, addresses };
}

/**
 * What a new line adds to what was counted before (`base`: the largest values seen in this generation).
 * Counters only grow within a generation, so taking the element-wise maximum as the new base makes a
 * line read twice, or out of order (two nginx workers during a reload), add nothing.
 */
export function advanceCounters(base: CountersSnapshot | null, next: CountersSnapshot): { delta: CountersSnapshot; base: CountersSnapshot } {
  const sameGen = base !== null && base.gen === next.gen;
  const from = sameGen ? base : null;
  return { delta: combine(next, from, minus), base: combine(next, from, most) };
}
