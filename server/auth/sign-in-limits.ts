import { clientKey, RateLimiter, tooManyRequests } from "./rate-limit";

/**
 * Sign-in attempts are limited per client and for everyone together (a flood from many addresses), before
 * the body is read or a password hashed. Kept on globalThis: Next may load this module once per route chunk.
 */
const SIGN_IN_LIMITS = {
  /** 5 attempts at once, then one every 12 s (5 a minute) per client. */
  perClient: { burst: 5, refillMs: 12_000 },
  /** 10 at once, then 1 a second from all clients together: bounds the hashing work a flood can cause. */
  global: { burst: 10, refillMs: 1000 },
} as const;

const g = globalThis as unknown as { __phleetSignInLimits?: { perClient: RateLimiter; global: RateLimiter } };

function limiters() {
  g.__phleetSignInLimits ??= { perClient: new RateLimiter(SIGN_IN_LIMITS.perClient), global: new RateLimiter(SIGN_IN_LIMITS.global) };
  return g.__phleetSignInLimits;
}

/**
 * Spends one attempt of this client and one of the global budget; 429 with Retry-After when either is out.
 * A successful sign-in gives both back: the limits are for guessing, not for signing in often.
 */
export function takeSignInAttempt(req: Request): { succeeded(): void } {
  const l = limiters();
  const key = clientKey(req);
  const wait = l.perClient.take(key);
  if (wait) throw tooManyRequests(wait, "sign-in attempts from this address");
  const globalWait = l.global.take("all");
  if (globalWait) {
    l.perClient.give(key); // refused for everyone's sake, not this client's
    throw tooManyRequests(globalWait, "sign-in attempts");
  }
  return {
    succeeded() {
      l.perClient.give(key);
      l.global.give("all");
    },
  };
}
