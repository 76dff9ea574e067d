"use client";

import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer, useRef } from "react";
import { apiFetch, ApiRequestError } from "@/components/data/api";
import type { GaugePoint, SeriesPoint, Stats, TrafficInput, TrafficRun } from "@/server/contracts/stats";

/** Live statistics over server-sent events, merged into one window of points; polling is the fallback. */

const LIVE_WINDOW_SECONDS = 180;

export interface LiveStats {
  stats: Stats | null;
  points: SeriesPoint[];
  gauges: GaugePoint[];
  /** Browser time of the last update. */
  receivedAt: number | null;
  error: string | null;
  gone: boolean;
}

type Action = { type: "stats"; stats: Stats & { full?: boolean } } | { type: "error"; message: string } | { type: "gone" };

function mergeByT<T extends { t: number }>(current: T[], incoming: T[], from: number): T[] {
  const byT = new Map<number, T>();
  for (const p of current) if (p.t >= from) byT.set(p.t, p);
  for (const p of incoming) if (p.t >= from) byT.set(p.t, p);
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

function reducer(state: LiveStats, action: Action): LiveStats {
  if (action.type === "error") return { ...state, error: action.message };
  if (action.type === "gone") return { ...state, gone: true, error: "The environment was deleted" };
  const s = action.stats;
  const newest = s.series.points.at(-1)?.t ?? Math.floor(Date.now() / 1000);
  const from = newest - LIVE_WINDOW_SECONDS + 1;
  const full = s.full === true;
  return {
    stats: s,
    points: mergeByT(full ? [] : state.points, s.series.points, from),
    gauges: mergeByT(full ? [] : state.gauges, s.series.gauges, from),
    receivedAt: Date.now(),
    error: null,
    gone: false,
  };
}

const initial: LiveStats = { stats: null, points: [], gauges: [], receivedAt: null, error: null, gone: false };

const statsPath = (id: string) => `/api/v1/environments/${encodeURIComponent(id)}/stats`;

export function useLiveStats(environmentId: string): LiveStats {
  const [state, dispatch] = useReducer(reducer, initial);
  const fallback = useRef<ReturnType<typeof setInterval> | null>(null);

  useEffect(() => {
    let closed = false;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;

    // Polling once a second, for browsers or proxies where the stream does not get through.
    const poll = () => {
      if (fallback.current) return;
      fallback.current = setInterval(() => {
        apiFetch<Stats>(`${statsPath(environmentId)}?window=${LIVE_WINDOW_SECONDS}`)
          .then((stats) => !closed && dispatch({ type: "stats", stats: { ...stats, full: true } }))
          .catch((err: unknown) => {
            if (closed) return;
            if (err instanceof ApiRequestError && err.status === 404) dispatch({ type: "gone" });
            else dispatch({ type: "error", message: err instanceof Error ? err.message : String(err) });
          });
      }, 1000);
    };

    const open = () => {
      if (closed) return;
      if (typeof EventSource === "undefined") return poll();
      source = new EventSource(`${statsPath(environmentId)}/stream?window=${LIVE_WINDOW_SECONDS}`);
      source.addEventListener("stats", (e) => dispatch({ type: "stats", stats: JSON.parse((e as MessageEvent<string>).data) as Stats }));
      source.addEventListener("gone", () => {
        dispatch({ type: "gone" });
        source?.close();
      });
      source.onerror = () => {
        // EventSource retries by itself while CONNECTING; CLOSED means an HTTP error (signed out, 404).
        if (source?.readyState !== EventSource.CLOSED) return;
        dispatch({ type: "error", message: "The live stream stopped; reconnecting…" });
        retry = setTimeout(() => {
          // One real request tells why (a 401 goes to sign-in, a 404 means deleted).
          apiFetch<Stats>(`${statsPath(environmentId)}?window=${LIVE_WINDOW_SECONDS}`)
            .then((stats) => {
              if (closed) return;
              dispatch({ type: "stats", stats: { ...stats, full: true } });
              open();
            })
            .catch((err: unknown) => {
              if (closed) return;
              if (err instanceof ApiRequestError && err.status === 404) dispatch({ type: "gone" });
              else poll();
            });
        }, 2000);
      };
    };
    open();
    return () => {
      closed = true;
      source?.close();
      if (retry) clearTimeout(retry);
      if (fallback.current) clearInterval(fallback.current);
      fallback.current = null;
    };
  }, [environmentId]);

  return state;
}

const trafficKey = (id: string) => ["environments", "traffic", id] as const;

export const trafficQuery = (id: string) =>
  queryOptions({
    queryKey: trafficKey(id),
    queryFn: ({ signal }) => apiFetch<{ run: TrafficRun | null }>(`/api/v1/environments/${encodeURIComponent(id)}/traffic`, { signal }).then((r) => r.run),
    refetchInterval: (q) => (q.state.data?.status === "running" ? 1000 : false),
  });

export function useSendTraffic(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: TrafficInput) => apiFetch<TrafficRun>(`/api/v1/environments/${encodeURIComponent(id)}/traffic`, { method: "POST", body: input }),
    onSuccess: (run) => {
      qc.setQueryData(trafficKey(id), run);
      void qc.invalidateQueries({ queryKey: trafficKey(id) });
    },
  });
}
