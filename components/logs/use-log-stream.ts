"use client";

import { useEffect, useState } from "react";
import type { LogEntry, LogPage } from "@/server/contracts/logs";

/** Lines kept in the browser; older ones drop off the top. */
const MAX_LINES = 5000;

export type LogScopeRef = { kind: "node"; nodeId: string } | { kind: "layer"; layer: string };

export interface LogStreamState {
  page: Omit<LogPage, "items"> | null;
  lines: LogEntry[];
  status: "connecting" | "live" | "reconnecting" | "error";
  error: string | null;
}

export function logsUrl(envId: string, scope: LogScopeRef, params: Record<string, string | undefined>): string {
  const base = `/api/v1/environments/${encodeURIComponent(envId)}/${scope.kind === "node" ? `nodes/${encodeURIComponent(scope.nodeId)}` : `layers/${scope.layer}`}/logs`;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") qs.set(k, v);
  return `${base}?${qs}`;
}

/** Follows a node's or a layer's log over server-sent events: the last lines first, then each new one. */
export function useLogStream(envId: string, scope: LogScopeRef, source: string, since: string | undefined): LogStreamState {
  const url = logsUrl(envId, scope, { source, tail: since ? "10000" : "500", since, follow: "true" });
  // State belongs to one stream URL: a new URL starts from "connecting" without a reset in the effect.
  const [state, setState] = useState<LogStreamState & { url: string }>({ url, page: null, lines: [], status: "connecting", error: null });

  useEffect(() => {
    const fresh = (s: LogStreamState & { url: string }) => (s.url === url ? s : { url, page: null, lines: [], status: "connecting" as const, error: null });
    const es = new EventSource(url);
    let pending: LogEntry[] = [];
    let flush: number | undefined;
    // Lines are applied at most once per animation frame: a busy access log must not re-render per line.
    const schedule = () => {
      flush ??= window.requestAnimationFrame(() => {
        flush = undefined;
        const add = pending;
        pending = [];
        setState((s) => {
          const f = fresh(s);
          return { ...f, lines: [...f.lines, ...add].slice(-MAX_LINES) };
        });
      });
    };
    es.addEventListener("page", (e) => {
      const { items, ...page } = JSON.parse((e as MessageEvent<string>).data) as LogPage;
      pending = [];
      setState({ url, page, lines: items.slice(-MAX_LINES), status: "live", error: null });
    });
    es.addEventListener("line", (e) => {
      pending.push(JSON.parse((e as MessageEvent<string>).data) as LogEntry);
      schedule();
    });
    es.onerror = () => {
      // EventSource reconnects by itself; a closed one (4xx) does not, so ask for the reason once.
      if (es.readyState === EventSource.CLOSED) {
        void fetch(url.replace("follow=true", "follow=false").replace(/tail=\d+/, "tail=0"), { headers: { accept: "application/json" } })
          .then((r) => r.json() as Promise<{ error?: { message?: string } }>)
          .then((b) => setState((s) => ({ ...fresh(s), status: "error", error: b.error?.message ?? "The log stream ended" })))
          .catch(() => setState((s) => ({ ...fresh(s), status: "error", error: "Phleet's server did not answer" })));
      } else setState((s) => ({ ...fresh(s), status: "reconnecting" }));
    };
    return () => {
      es.close();
      if (flush !== undefined) window.cancelAnimationFrame(flush);
    };
  }, [url]);

  return state.url === url ? state : { page: null, lines: [], status: "connecting", error: null };
}
