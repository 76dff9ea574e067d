"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { FileClock, RotateCcw } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { environmentsQuery } from "@/components/data/environments";
import { absoluteTime, relativeTime } from "@/components/environments/labels";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import type { AuditRecord } from "@/server/contracts/audit";
import { auditQuery, type AuditFilters } from "./data";

const ACTIONS = [
  "auth.sign-in",
  "auth.sign-out",
  "environment.create",
  "environment.scale",
  "environment.delete",
  "node.start",
  "node.stop",
  "node.restart",
  "config.save",
  "config.rollback",
  "layer.restart",
  "traffic.send",
  "reconcile",
  "terminal.session",
];

const selectClass =
  "h-10 w-full min-w-0 rounded-lg border border-border-strong bg-surface px-3 text-sm text-fg shadow-sm focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-ring/40";

/** Who did what to which environment, newest first: every mutating action and terminal session. */
export function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>({});
  const envs = useQuery(environmentsQuery()).data ?? [];
  const q = useInfiniteQuery(auditQuery(filters));
  const set = (k: keyof AuditFilters) => (e: { target: { value: string } }) => setFilters((f) => ({ ...f, [k]: e.target.value || undefined }));
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const envName = (id: string | null) => envs.find((e) => e.id === id)?.name;

  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Audit trail</h1>
        <p className="mt-1 text-sm text-muted">Every change made from the dashboard or the API, and every terminal session, with who made it and how it ended.</p>
      </div>
      <form role="search" aria-label="Filter the audit trail" className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-[repeat(4,minmax(0,1fr))_auto]" onSubmit={(e) => e.preventDefault()}>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Environment
          <select className={selectClass} value={filters.environmentId ?? ""} onChange={set("environmentId")}>
            <option value="">All</option>
            {envs.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Action
          <select className={selectClass} value={filters.action ?? ""} onChange={set("action")}>
            <option value="">All</option>
            {ACTIONS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Outcome
          <select className={selectClass} value={filters.outcome ?? ""} onChange={set("outcome")}>
            <option value="">All</option>
            <option value="success">Succeeded</option>
            <option value="failure">Failed</option>
            <option value="running">Running (open terminal)</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          From
          <Input type="datetime-local" value={filters.from ?? ""} onChange={set("from")} />
        </label>
        <div className="flex items-end">
          <Button variant="ghost" onClick={() => setFilters({})} disabled={!Object.values(filters).some(Boolean)}>
            <RotateCcw aria-hidden />
            Reset
          </Button>
        </div>
      </form>

      {q.isPending ? (
        <Card className="flex flex-col gap-3 p-4" aria-busy="true" aria-label="Loading the audit trail">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-10 w-full" />
          ))}
        </Card>
      ) : q.isError ? (
        <ErrorPanel title="Could not load the audit trail" message={q.error.message} onRetry={() => void q.refetch()} retrying={q.isFetching} />
      ) : rows.length === 0 ? (
        <Card className="flex flex-col items-center gap-2 p-10 text-center">
          <FileClock aria-hidden className="size-8 text-muted" />
          <p className="font-medium">Nothing recorded{Object.values(filters).some(Boolean) ? " for these filters" : " yet"}</p>
          <p className="text-sm text-muted">Changes to environments, nodes and files appear here as they happen.</p>
        </Card>
      ) : (
        <Card className="overflow-hidden">
          <ul aria-label="Audit records" className="divide-y divide-border">
            {rows.map((r) => (
              <AuditRow key={r.id} r={r} envName={envName(r.environmentId)} />
            ))}
          </ul>
          {q.hasNextPage ? (
            <div className="border-t border-border p-3 text-center">
              <Button variant="secondary" size="sm" pending={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
                Older records
              </Button>
            </div>
          ) : null}
        </Card>
      )}
    </div>
  );
}

const OUTCOME = {
  success: { tone: "success", label: "Succeeded" },
  failure: { tone: "danger", label: "Failed" },
  running: { tone: "info", label: "Open" },
} as const;

function AuditRow({ r, envName }: { r: AuditRecord; envName?: string }) {
  const o = OUTCOME[r.outcome];
  const who = r.actor.kind === "token" ? "API token" : r.actor.kind === "session" ? `Dashboard session ${r.actor.ref ?? ""}`.trim() : "Not signed in";
  return (
    <li className="grid grid-cols-1 gap-1 px-4 py-3 text-sm sm:grid-cols-[9rem_minmax(0,1fr)_auto] sm:items-center sm:gap-4" data-testid="audit-row" data-action={r.action} data-outcome={r.outcome}>
      <time dateTime={r.at} title={absoluteTime(r.at)} className="text-xs text-muted">
        {relativeTime(r.at)}
      </time>
      <div className="min-w-0">
        <p className="flex flex-wrap items-center gap-x-2">
          <span className="font-mono text-[13px] font-medium">{r.action}</span>
          <span className="text-muted">on</span>
          {r.environmentId && envName ? (
            <Link href={`/environments/${encodeURIComponent(r.environmentId)}`} className="truncate text-primary hover:underline">
              {r.target}
            </Link>
          ) : (
            <span className="truncate">{r.target}</span>
          )}
        </p>
        <p className="text-xs break-words text-muted">
          {who} · {r.method} {r.path} · {r.status}
          {r.error?.message ? ` · ${r.error.message}` : ""}
          {r.endedAt ? ` · ended ${relativeTime(r.endedAt)}${r.note ? ` (${r.note})` : ""}` : ""}
          {r.revisionId && r.environmentId ? (
            <>
              {" · "}
              <Link href={`/environments/${encodeURIComponent(r.environmentId)}/config`} className="text-primary hover:underline">
                revision {r.revisionId.slice(-8)}
              </Link>
            </>
          ) : null}
        </p>
      </div>
      <Badge tone={o.tone} className="w-fit">
        {o.label}
      </Badge>
    </li>
  );
}
