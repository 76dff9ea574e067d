import { describe, expect, test } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  test.each([
    ["burst allowed, then refused", { burst: 3, refillMs: 1000 }, [0, 0, 0, 0], [0, 0, 0, 1000]],
    ["a token comes back after refillMs", { burst: 1, refillMs: 500 }, [0, 0, 500, 600], [0, 500, 0, 400]],
    ["partial refill shortens the wait", { burst: 2, refillMs: 1000 }, [0, 0, 0, 250], [0, 0, 1000, 750]],
  ])("%s", (_label, rule, times, expected) => {
    let now = 0;
    const rl = new RateLimiter(rule, 100, () => now);
    const got = times.map((t) => {
      now = t;
      return rl.take("a");
    });
    expect(got).toEqual(expected);
  });

  test("keys are independent and the table stays bounded", () => {
    let now = 0;
    const rl = new RateLimiter({ burst: 1, refillMs: 60_000 }, 3, () => now);
    expect(rl.take("a")).toBe(0);
    expect(rl.take("a")).toBeGreaterThan(0);
    for (const k of ["b", "c", "d", "e"]) expect(rl.take(k)).toBe(0);
    now = 1;
    expect((rl as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(3);
  });
});
