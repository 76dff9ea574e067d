import type { Stats } from "../contracts/stats";
import { liveCollector, offlineView } from "./service";
import { prismaStatsStore, type StatsStore } from "./store";

const TICK_MS = 1000;
/** Each update carries the last few seconds again: the current second was partial, and late lines may have landed. */
const UPDATE_WINDOW = 5;
/** A stream ends after this long; EventSource reconnects and starts with a fresh snapshot. */
const MAX_STREAM_MS = 15 * 60_000;
const EXISTS_CHECK_EVERY = 5;

/**
 * Server-sent events: `event: stats` once a second. The first carries `window` seconds of series,
 * the next ones only the last few seconds (the client merges points by `t`). `event: gone` when the
 * environment was deleted, then the stream ends.
 */
export function statsEventStream(
  envId: string,
  window: number,
  signal: AbortSignal,
  store: StatsStore = prismaStatsStore,
  /** Checked before every event: the stream ends (`event: signed-out`) once the caller's session is gone. */
  authorized: () => Promise<boolean> = async () => true,
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const started = Date.now();
      let ticks = 0;
      const close = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      };
      const send = (event: string, data: unknown) => controller.enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      signal.addEventListener("abort", close, { once: true });
      controller.enqueue(enc.encode("retry: 2000\n\n"));

      const tick = async () => {
        if (closed) return;
        try {
          if (!(await authorized())) {
            if (!closed) send("signed-out", { message: "The session that opened this stream has ended" });
            return close();
          }
          const first = ticks === 0;
          const w = first ? window : UPDATE_WINDOW;
          let stats: Stats;
          const live = liveCollector(envId);
          if (live && ticks % EXISTS_CHECK_EVERY !== 0) stats = await live.read(w);
          else {
            if (!(await store.target(envId))) {
              send("gone", { environmentId: envId });
              return close();
            }
            stats = await (liveCollector(envId) ?? (await offlineView(envId, store))).read(w);
          }
          if (closed) return;
          send("stats", { ...stats, full: first });
          ticks++;
        } catch (err) {
          if (closed) return;
          send("problem", { message: err instanceof Error ? err.message : String(err) });
        }
        if (Date.now() - started > MAX_STREAM_MS) return close();
        timer = setTimeout(() => void tick(), TICK_MS);
      };
      void tick();
    },
    cancel() {
      closed = true;
      clearTimeout(timer);
    },
  });
}
