import { conflict } from "../errors";

/**
 * One operation at a time per environment, for every mutation: create, delete, scale, node actions, config
 * saves, rolling restarts, heal, session-node rejoin, reconciliation. A request that finds another operation
 * running gets a 409 that names it; background work waits for its turn instead (waitAndRun), so nothing races
 * (a node scaled in while a layer-wide save runs would miss the save). The lock lives in this process: one
 * control plane drives one set of environments.
 */
interface Holder {
  what: string;
  /** Work Phleet started on its own (healing, reconciliation, a scheduled backup): a deletion waits for it instead of being refused. */
  background: boolean;
}
// Both maps live on globalThis: Next bundles this module once for the route handlers and once for the
// background services, and a release in one copy must wake a waiter registered in the other.
const g = globalThis as unknown as { __phleetOperationLocks?: Map<string, Holder>; __phleetOperationWaiters?: Map<string, (() => void)[]> };
const held = (g.__phleetOperationLocks ??= new Map());
/** Work waiting for an environment to be free, woken when its lock is released. */
const waiters = (g.__phleetOperationWaiters ??= new Map());

export type Release = () => void;

/** Throws the 409 that names the operation under way, if there is one. */
export function assertNoOperation(envId: string): void {
  const busy = held.get(envId)?.what;
  if (busy) throw conflict(`Another operation is under way in this environment (${busy}); try again when it has finished`, { operation: busy });
}

/** Takes the environment's lock for `what` (shown to whoever is refused), or throws a 409. */
export function acquire(envId: string, what: string, options: { background?: boolean } = {}): Release {
  assertNoOperation(envId);
  held.set(envId, { what, background: options.background === true });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.delete(envId);
    const woken = waiters.get(envId) ?? [];
    waiters.delete(envId);
    for (const wake of woken) wake();
  };
}

export async function withLock<T>(envId: string, what: string, fn: () => Promise<T>, options: { background?: boolean } = {}): Promise<T> {
  const release = acquire(envId, what, options);
  try {
    return await fn();
  } finally {
    release();
  }
}

/** The operation running in the environment, if any. */
export const runningOperation = (envId: string): string | null => held.get(envId)?.what ?? null;

/** Whether the operation running in the environment is background work (see Holder.background). */
export const runsBackgroundWork = (envId: string): boolean => held.get(envId)?.background === true;

/**
 * For background work: waits (woken by the release, bounded) until the environment is free, then runs with the lock held.
 * Null when it stayed busy for `maxWaitMs` (the caller retries later, as reconciliation does every round).
 */
export async function waitAndRun<T>(
  envId: string,
  what: string,
  fn: () => Promise<T>,
  { maxWaitMs = 120_000, background = true }: { maxWaitMs?: number; background?: boolean } = {},
): Promise<{ result: T } | null> {
  const deadline = Date.now() + maxWaitMs;
  while (held.has(envId)) {
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      waiters.set(envId, [...(waiters.get(envId) ?? []), () => (clearTimeout(timer), resolve())]);
    });
  }
  return { result: await withLock(envId, what, fn, { background }) };
}
