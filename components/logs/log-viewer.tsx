"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronLeft, Download, Pause, Play, Search } from "lucide-react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { environmentQuery } from "@/components/data/environments";
import { ROLE_LABEL } from "@/components/environments/labels";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import type { LogEntry } from "@/server/contracts/logs";
import { logsUrl, useLogStream, type LogScopeRef } from "./use-log-stream";

const selectClass =
  "h-9 min-w-0 rounded-lg border border-border-strong bg-surface px-2.5 text-sm text-fg shadow-sm focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-ring/40";

/** Live tail of a node's or a layer's logs: follows the end, pause, filter by text and stream, jump to a time, download. */
export function LogViewer({ environmentId }: { environmentId: string }) {
  const router = useRouter();
  const search = useSearchParams();
  const env = useQuery(environmentQuery(environmentId)).data;
  const nodeId = search.get("node");
  const layer = search.get("layer") ?? (nodeId ? null : "app");
  const scope: LogScopeRef = nodeId ? { kind: "node", nodeId } : { kind: "layer", layer: layer ?? "app" };
  const source = search.get("source") ?? "output";
  const since = search.get("since") ?? undefined;
  const stream = useLogStream(environmentId, scope, source, since);

  const [text, setText] = useState("");
  const [which, setWhich] = useState<"" | "stdout" | "stderr">("");
  const [paused, setPaused] = useState(false);
  const [frozen, setFrozen] = useState<LogEntry[] | null>(null);
  const [jump, setJump] = useState("");

  const setParam = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) if (v === null) next.delete(k);
    else next.set(k, v);
    router.replace(`?${next}`, { scroll: false });
  };

  const all = paused && frozen ? frozen : stream.lines;
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return all.filter((l) => (!which || l.stream === which) && (!needle || l.text.toLowerCase().includes(needle)));
  }, [all, text, which]);
  const waiting = paused && frozen ? stream.lines.length - frozen.length : 0;

  // Follow the end, unless the reader scrolled up to read.
  const box = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  useEffect(() => {
    const el = box.current;
    if (el && atEnd.current && !paused) el.scrollTop = el.scrollHeight;
  }, [shown, paused]);

  const scopeValue = nodeId ? `node:${nodeId}` : `layer:${layer}`;
  const layered = scope.kind === "layer";
  const title = env ? (nodeId ? env.nodes.find((n) => n.id === nodeId)?.hostname ?? "Node" : `${ROLE_LABEL[(layer ?? "app") as keyof typeof ROLE_LABEL] ?? layer} layer`) : "";

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-col gap-2">
        <Link href={`/environments/${encodeURIComponent(environmentId)}`} className="inline-flex w-fit items-center gap-1 text-sm text-muted hover:text-fg">
          <ChevronLeft aria-hidden className="size-4" />
          {env ? env.name : "Environment"}
        </Link>
        <h1 className="text-2xl font-semibold tracking-tight">Logs{title ? `: ${title}` : ""}</h1>
      </div>

      <Card className="flex flex-wrap items-end gap-3 p-3">
        <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-muted">
          Node or layer
          <select
            className={selectClass}
            value={scopeValue}
            onChange={(e) => {
              const [kind, id] = e.target.value.split(":") as [string, string];
              setParam(kind === "node" ? { node: id, layer: null, source: null } : { layer: id, node: null, source: null });
            }}
          >
            {(["app", "session", "balancer"] as const).map((l) => (
              <optgroup key={l} label={ROLE_LABEL[l]}>
                <option value={`layer:${l}`}>Whole layer (merged)</option>
                {env?.nodes
                  .filter((n) => n.role === l)
                  .map((n) => (
                    <option key={n.id} value={`node:${n.id}`}>
                      {n.hostname}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-muted">
          Source
          <select className={selectClass} value={source} onChange={(e) => setParam({ source: e.target.value })}>
            {(stream.page?.sources ?? [{ id: source, title: source, description: "" }]).map((s) => (
              <option key={s.id} value={s.id} title={s.description}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-muted">
          Stream
          <select className={selectClass} value={which} onChange={(e) => setWhich(e.target.value as typeof which)}>
            <option value="">stdout and stderr</option>
            <option value="stdout">stdout</option>
            <option value="stderr">stderr</option>
          </select>
        </label>
        <label className="flex min-w-40 flex-1 flex-col gap-1 text-xs font-medium text-muted">
          Filter
          <span className="relative block">
            <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted" />
            <Input className="h-9 pl-8" type="search" placeholder="Text in the line" value={text} onChange={(e) => setText(e.target.value)} />
          </span>
        </label>
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setParam({ since: jump ? new Date(jump).toISOString() : null });
          }}
        >
          <label className="flex flex-col gap-1 text-xs font-medium text-muted">
            Jump to
            <Input className="h-9 w-auto" type="datetime-local" step="1" value={jump} onChange={(e) => setJump(e.target.value)} />
          </label>
          <Button type="submit" variant="secondary" size="sm" className="h-9">
            Go
          </Button>
          {since ? (
            <Button variant="ghost" size="sm" className="h-9" onClick={() => (setJump(""), setParam({ since: null }))}>
              Latest
            </Button>
          ) : null}
        </form>
        <div className="ml-auto flex items-end gap-2">
          <Button
            variant="secondary"
            size="sm"
            className="h-9"
            aria-pressed={paused}
            onClick={() => {
              setFrozen(paused ? null : stream.lines);
              setPaused(!paused);
            }}
          >
            {paused ? <Play aria-hidden /> : <Pause aria-hidden />}
            {paused ? `Resume${waiting > 0 ? ` (${waiting} new)` : ""}` : "Pause"}
          </Button>
          <Button asChild variant="secondary" size="sm" className="h-9">
            <a href={logsUrl(environmentId, scope, { source, tail: "10000", since, format: "text" })} download>
              <Download aria-hidden />
              Download
            </a>
          </Button>
        </div>
      </Card>

      {stream.status === "error" ? (
        <ErrorPanel title="Could not read the logs" message={stream.error ?? "The log stream ended"} onRetry={() => router.refresh()} />
      ) : (
        <Card className="overflow-hidden">
          <div className="flex flex-wrap items-center gap-2 border-b border-border px-3 py-2 text-xs text-muted" aria-live="polite">
            <Badge tone={stream.status === "live" && !paused ? "success" : stream.status === "reconnecting" ? "warning" : "neutral"}>
              {paused ? "Paused" : stream.status === "live" ? "Live" : stream.status === "reconnecting" ? "Reconnecting…" : "Connecting…"}
            </Badge>
            <span>
              {shown.length} of {all.length} lines
            </span>
            {stream.page ? <span className="truncate">{stream.page.nodes.map((n) => `${n.hostname} (${n.status})`).join(", ")}</span> : null}
          </div>
          {!stream.page ? (
            <div className="flex flex-col gap-2 p-3" aria-busy="true" aria-label="Loading the logs">
              {Array.from({ length: 8 }, (_, i) => (
                <Skeleton key={i} className="h-4 w-full" />
              ))}
            </div>
          ) : (
            <div
              ref={box}
              role="log"
              aria-label="Log lines"
              tabIndex={0}
              data-testid="log-lines"
              onScroll={(e) => {
                const el = e.currentTarget;
                atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
              }}
              className="h-[60vh] min-h-64 overflow-auto bg-[#0d1117] p-3 font-mono text-xs leading-5 text-[#e6edf3] focus-visible:outline-2 focus-visible:outline-ring"
            >
              {shown.length === 0 ? (
                <p className="text-[#8b949e]">{all.length ? "No line matches the filter." : "No lines yet. New ones appear here as they are written."}</p>
              ) : (
                shown.map((l, i) => <LogLineRow key={`${l.t}-${i}`} l={l} layered={layered} />)
              )}
            </div>
          )}
        </Card>
      )}
    </div>
  );
}

/** Local wall-clock time with milliseconds (the jump-to field is local time too); the title keeps the engine's timestamp. */
function clock(t: string): string {
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return t;
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function LogLineRow({ l, layered }: { l: LogEntry; layered: boolean }) {
  return (
    <div className="flex flex-wrap gap-x-3 break-all whitespace-pre-wrap hover:bg-white/5 sm:flex-nowrap" data-stream={l.stream}>
      <time dateTime={l.t} className="shrink-0 text-[#8b949e]" title={l.t}>
        {clock(l.t)}
      </time>
      {layered ? <span className="shrink-0 text-[#79c0ff]">{l.node.hostname}</span> : null}
      <span className={`basis-full sm:basis-auto ${l.stream === "stderr" ? "text-[#ffa198]" : ""}`}>{l.text}</span>
    </div>
  );
}
