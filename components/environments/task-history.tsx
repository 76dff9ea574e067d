"use client";

import { useQuery } from "@tanstack/react-query";
import { taskHistoryQuery } from "@/components/data/environment-actions";
import { environmentQuery } from "@/components/data/environments";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Skeleton } from "@/components/ui/skeleton";
import { useNow } from "@/components/ui/use-now";
import type { Task } from "@/server/contracts/environment";
import { absoluteTime, relativeTime } from "./labels";
import { TaskProgress, taskTitle } from "./task-progress";

const TONE = { pending: "neutral", running: "info", succeeded: "success", failed: "danger" } as const;

function duration(t: Task, now: number): string {
  const end = t.finishedAt ? new Date(t.finishedAt).getTime() : now;
  const s = Math.max(0, (end - new Date(t.createdAt).getTime()) / 1000);
  return s < 60 ? `${s.toFixed(s < 10 ? 1 : 0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Every task of the environment, newest first; each opens to all its steps. */
export function TaskHistory({ id }: { id: string }) {
  const env = useQuery(environmentQuery(id)).data;
  const q = useQuery(taskHistoryQuery(id));
  const running = !!q.data?.some((t) => t.status === "running");
  const now = useNow(running);
  return (
    <div className="flex flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Tasks{env ? `: ${env.name}` : ""}</h1>
        <p className="mt-1 text-sm text-muted">Everything Phleet did to this environment, newest first: creation, scaling, restarts, config changes, stops and starts.</p>
      </div>
      {q.isPending ? (
        <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading the tasks">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-14" />
          ))}
        </div>
      ) : q.isError && !q.data ? (
        <ErrorPanel title="Could not load the tasks" message={q.error.message} onRetry={() => void q.refetch()} retrying={q.isFetching} />
      ) : !q.data?.length ? (
        <Card className="p-8 text-center text-sm text-muted">No task has run in this environment yet.</Card>
      ) : (
        <ol className="flex flex-col gap-2" data-testid="task-history">
          {q.data.map((t, i) => (
            <li key={t.id} data-testid="task-row" data-task-kind={t.kind} data-task-status={t.status}>
              <details className="group rounded-xl border border-border bg-surface shadow-xs" open={i === 0 && t.status === "running"}>
                <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 rounded-xl px-4 py-3 select-none hover:bg-surface-2/60">
                  <span className="min-w-0 flex-1 text-sm font-medium">{taskTitle(t)}</span>
                  <Badge tone={TONE[t.status]}>{t.status}</Badge>
                  <span className="text-xs text-muted tabular-nums">
                    {t.steps.length} step{t.steps.length === 1 ? "" : "s"} · {duration(t, now)} ·{" "}
                    <time dateTime={t.createdAt} title={absoluteTime(t.createdAt)}>
                      {relativeTime(t.createdAt, now)}
                    </time>
                  </span>
                </summary>
                <div className="border-t border-border p-3">
                  <TaskProgress task={t} now={now} />
                </div>
              </details>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
