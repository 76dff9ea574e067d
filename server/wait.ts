/**
 * Waiting, in one place: a condition checked at an interval until it holds or a deadline passes, with a
 * message that says what did not happen. A check throws to stop waiting at once (a container that exited
 * will not become healthy); it returns a value (anything but undefined, null or false) when done.
 */

class WaitTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WaitTimeoutError";
  }
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** The time-out message; by default "<what> did not happen within N s". */
  onTimeout?: () => string;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Resolves after `ms`, on abort, or when the `wake` handed to `onWake` is called, whichever comes first.
 * The abort listener is removed when the sleep ends: a loop that added one per turn and never removed it
 * grew the signal's listener list without bound (MaxListenersExceededWarning after 11 turns).
 */
export const sleepOrAbort = (ms: number, signal: AbortSignal, onWake?: (wake: () => void) => void) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
    onWake?.(done);
  });

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 500;
  for (;;) {
    const result = await check();
    if (result !== undefined && result !== null && result !== false) return result;
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(opts.onTimeout?.() ?? `${what} did not happen within ${Math.round(opts.timeoutMs / 1000)} s`);
    await sleep(Math.min(interval, left));
  }
}
