"use client";

import { useQuery } from "@tanstack/react-query";
import { DatabaseBackup as BackupIcon, Download, History } from "lucide-react";
import { backupDownloadUrl, backupsQuery, useBackupAction } from "@/components/data/database";
import { absoluteTime, relativeTime, typeLabel } from "@/components/environments/labels";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Skeleton } from "@/components/ui/skeleton";
import type { Environment } from "@/server/contracts/environment";

const size = (b: number) => (b < 1024 ? `${b} B` : b < 1024 * 1024 ? `${(b / 1024).toFixed(1)} KB` : `${(b / 1024 / 1024).toFixed(1)} MB`);

/** The database's backups on the environment page: take one now, download or restore a kept one, the daily schedule. */
export function DatabasePanel({ env }: { env: Environment }) {
  const running = env.task?.status === "running" && env.task.kind.startsWith("database.");
  const q = useQuery(backupsQuery(env.id, !!running));
  const action = useBackupAction(env.id);
  const busy = action.isPending || env.task?.status === "running";
  if (!env.database) return null;
  const lastDbTask = env.task && env.task.kind.startsWith("database.") ? env.task : null;

  return (
    <Card aria-labelledby="database-title" data-testid="database-panel">
      <CardHeader className="items-center py-3">
        <div className="min-w-0">
          <CardTitle id="database-title">Database backups</CardTitle>
          <p className="mt-0.5 text-sm text-muted">
            {typeLabel(env.database.type)} · logical dumps kept by Phleet
            {q.data ? ` · daily at ${String(q.data.schedule.hourUtc).padStart(2, "0")}:00 UTC, newest ${q.data.schedule.retention} kept` : ""}
          </p>
        </div>
        <Button onClick={() => action.mutate({ kind: "backup" })} pending={action.isPending} disabled={busy || env.status !== "running"}>
          {action.isPending ? null : <BackupIcon aria-hidden />}
          Take backup
        </Button>
      </CardHeader>
      <CardBody className="flex flex-col gap-3">
        {action.isError ? (
          <p role="alert" className="text-sm text-danger">
            {action.error.message}
          </p>
        ) : null}
        {lastDbTask ? (
          <p role="status" aria-live="polite" className="text-sm" data-testid="database-task">
            <span className="text-muted">{lastDbTask.kind === "database.backup" ? "Backup" : "Restore"}: </span>
            {lastDbTask.status === "running" ? (
              <Badge tone="info">running · {lastDbTask.steps.find((s) => s.status === "running")?.title ?? "starting"}</Badge>
            ) : lastDbTask.status === "succeeded" ? (
              <Badge tone="success">done</Badge>
            ) : lastDbTask.status === "failed" ? (
              <span className="text-danger">failed: {lastDbTask.error}</span>
            ) : (
              <Badge>queued</Badge>
            )}
          </p>
        ) : null}
        {q.isPending ? (
          <Skeleton className="h-16" />
        ) : q.isError ? (
          <ErrorPanel title="Could not load the backups" message={q.error.message} onRetry={() => void q.refetch()} retrying={q.isFetching} />
        ) : q.data.items.length === 0 ? (
          <p className="text-sm text-muted" data-testid="no-backups">
            No backup yet. Take one now, or wait for the daily one.
          </p>
        ) : (
          <ul className="flex flex-col divide-y divide-border" aria-label="Backups" data-testid="backup-list">
            {q.data.items.map((b) => (
              <li key={b.id} className="flex flex-wrap items-center gap-x-3 gap-y-2 py-2.5 text-sm">
                <span className="min-w-0 flex-1">
                  <span className="block truncate font-mono text-xs" title={b.file}>
                    {b.file}
                  </span>
                  <span className="text-xs text-muted">
                    <time dateTime={b.createdAt} title={absoluteTime(b.createdAt)}>
                      {relativeTime(b.createdAt)}
                    </time>{" "}
                    · {size(b.sizeBytes)} · {b.trigger === "schedule" ? "daily" : "manual"}
                  </span>
                </span>
                <Button asChild variant="secondary" size="sm">
                  <a href={backupDownloadUrl(env.id, b.id)} download={b.file}>
                    <Download aria-hidden />
                    Download<span className="sr-only"> {b.file}</span>
                  </a>
                </Button>
                <Button
                  variant="secondary"
                  size="sm"
                  disabled={busy}
                  onClick={() => {
                    if (window.confirm(`Restore ${b.file}? The database goes back to this backup; changes made since are lost.`)) action.mutate({ kind: "restore", backupId: b.id });
                  }}
                >
                  <History aria-hidden />
                  Restore<span className="sr-only"> {b.file}</span>
                </Button>
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
