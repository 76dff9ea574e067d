import { AppError } from "../errors";

/**
 * Token buckets in memory (one control-plane process): each key may spend `burst` tokens at once and gets one
 * back every `refillMs`. A refused take says when the next token comes, for Retry-After.
 */
export interface BucketRule {
  burst: number;
  refillMs: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly rule: BucketRule,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `key`: 0 when allowed, else the milliseconds until one is free again. */
  take(key: string): number {
    const t = this.now();
    const b = this.refilled(key, t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) * this.rule.refillMs));
  }

  /** Gives a token back (a success that should not count against the client). */
  give(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.rule.burst, b.tokens + 1);
  }

  private refilled(key: string, t: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      // Full buckets carry no information: drop them first when the table grows (a spoofed-key flood).
      if (this.buckets.size >= this.maxKeys) this.prune(t);
      b = { tokens: this.rule.burst, at: t };
      this.buckets.set(key, b);
      return b;
    }
    b.tokens = Math.min(this.rule.burst, b.tokens + (t - b.at) / this.rule.refillMs);
    b.at = t;
    return b;
  }

  private prune(t: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + (t - b.at) / this.rule.refillMs >= this.rule.burst) this.buckets.delete(k);
    }
    // Still full of draining buckets: forget the oldest (Map keeps insertion order).
    while (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
  }
}

export function tooManyRequests(retryAfterMs: number, what: string): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError("rate_limited", `Too many ${what}; try again in ${seconds} s`, 429, { retryAfterSeconds: seconds });
}

/**
 * The client a request came from, for per-client limits. `next start` passes the socket's address as the
 * last x-forwarded-for entry (it appends to what the client sent), so that entry is the one not chosen by
 * the client; behind a reverse proxy it is the proxy's view of the client.
 */
export function clientKey(req: Request): string {
  const xff = req.headers.get("x-forwarded-for");
  const last = xff?.split(",").pop()?.trim();
  return last || req.headers.get("x-real-ip") || "unknown";
}
