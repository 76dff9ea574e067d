import { conflict } from "../errors";

/**
 * One config change or restart per environment at a time (in this process): a save during a rolling
 * restart, or two saves racing on the same files, would make "the previous revision" ambiguous.
 */
const g = globalThis as unknown as { __phleetConfigLocks?: Map<string, string> };
const held = (g.__phleetConfigLocks ??= new Map());

export function acquire(envId: string, what: string): () => void {
  const busy = held.get(envId);
  if (busy) throw conflict(`Another change is under way in this environment (${busy}); try again when it has finished`);
  held.set(envId, what);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.delete(envId);
  };
}

export async function withLock<T>(envId: string, what: string, fn: () => Promise<T>): Promise<T> {
  const release = acquire(envId, what);
  try {
    return await fn();
  } finally {
    release();
  }
}
