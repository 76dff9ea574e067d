"use client";

import { useQuery } from "@tanstack/react-query";
import { GitCompare, History, Undo2 } from "lucide-react";
import { useState } from "react";
import { absoluteTime, relativeTime } from "@/components/environments/labels";
import { AlertDialog, AlertDialogAction, AlertDialogCancel, AlertDialogContent } from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Skeleton } from "@/components/ui/skeleton";
import type { ConfigFile, ConfigRevision } from "@/server/contracts/config-files";
import type { Environment } from "@/server/contracts/environment";
import { DiffView } from "./code-editor";
import { revisionsQuery, useRollbackFile, type EditScope } from "./data";

const AUTHOR: Record<string, string> = { api: "API", admin: "admin", phleet: "Phleet" };

/** Every saved version of the open file: who, when, where; compare with the saved file or put it back. */
export function RevisionHistory({ env, scope, file }: { env: Environment; scope: EditScope; file: ConfigFile }) {
  const q = useQuery(revisionsQuery(env.id, scope, file.path));
  const rollback = useRollbackFile(env.id, scope, file.path);
  const [comparing, setComparing] = useState<ConfigRevision | null>(null);
  const [restoring, setRestoring] = useState<ConfigRevision | null>(null);
  // One current row: the newest revision with the saved content (a rollback repeats an older revision's content).
  const currentId = q.data?.find((r) => r.content === file.content)?.id ?? null;

  return (
    <Card data-testid="revision-history">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <History aria-hidden className="size-4" />
          History
        </CardTitle>
        <span className="text-xs text-muted">{q.data ? `${q.data.length} revision${q.data.length === 1 ? "" : "s"}` : null}</span>
      </CardHeader>
      <CardBody className="p-0">
        {q.isPending ? <Skeleton className="m-5 h-10" /> : null}
        {q.isError ? <ErrorPanel className="m-4" title="Could not load the history" message={q.error.message} onRetry={() => void q.refetch()} /> : null}
        {q.data && !q.data.length ? <p className="px-5 py-4 text-sm text-muted">No saved versions yet: the first Save records the original file too.</p> : null}
        {rollback.isError ? <ErrorPanel className="m-4" title="Rollback refused" message={rollback.error.message} /> : null}
        {q.data?.length ? (
          <ol className="divide-y divide-border">
            {q.data.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-5 py-2.5 text-sm" data-testid="revision" data-author={r.author} data-current={r.id === currentId ? "true" : undefined}>
                <time dateTime={r.createdAt} title={absoluteTime(r.createdAt)} className="w-28 shrink-0 text-muted tabular-nums">
                  {relativeTime(r.createdAt)}
                </time>
                <Badge tone={r.author === "phleet" ? "warning" : "neutral"}>{AUTHOR[r.author] ?? r.author}</Badge>
                <span className="text-xs text-muted">{r.hostname ?? (r.layer ? `all ${r.layer} nodes` : "")}</span>
                {r.id === currentId ? <Badge tone="success">Current</Badge> : null}
                {/* Its own line under the facts on a phone, wrapping in full (a note is at most 500 characters). */}
                <span className="basis-full break-words sm:min-w-40 sm:flex-1 sm:basis-0" data-testid="revision-note">
                  {r.message ?? <span className="text-muted">No note</span>}
                </span>
                <span className="-ml-2 flex shrink-0 gap-1 sm:ml-0">
                <Button variant="ghost" size="sm" onClick={() => setComparing(r)} aria-label={`Compare the revision of ${absoluteTime(r.createdAt)} with the saved file`}>
                  <GitCompare aria-hidden />
                  Compare
                </Button>
                <Button
                  variant="ghost"
                  size="sm"
                  disabled={r.content === file.content || file.entry.readOnly}
                  onClick={() => setRestoring(r)}
                  aria-label={`Roll back to the revision of ${absoluteTime(r.createdAt)}`}
                >
                  <Undo2 aria-hidden />
                  Roll back
                </Button>
                </span>
              </li>
            ))}
          </ol>
        ) : null}
      </CardBody>

      <Dialog open={!!comparing} onOpenChange={(o) => !o && setComparing(null)}>
        {comparing ? (
          <DialogContent title="Saved file → this revision" description={`${absoluteTime(comparing.createdAt)} by ${AUTHOR[comparing.author] ?? comparing.author}`} className="max-w-4xl">
            <div className="overflow-hidden rounded-lg border border-border">
              <DiffView saved={file.content} draft={comparing.content} language={file.entry.language} />
            </div>
          </DialogContent>
        ) : null}
      </Dialog>

      <AlertDialog open={!!restoring} onOpenChange={(o) => !o && setRestoring(null)}>
        {restoring ? (
          <AlertDialogContent
            title="Roll back to this revision?"
            description={`The revision of ${absoluteTime(restoring.createdAt)} is checked on the node, then written as a new revision. Restart (or reload) for it to take effect.`}
            footer={
              <>
                <AlertDialogCancel asChild>
                  <Button variant="ghost">Cancel</Button>
                </AlertDialogCancel>
                <AlertDialogAction asChild>
                  <Button onClick={() => rollback.mutate(restoring.id)} pending={rollback.isPending}>
                    Roll back
                  </Button>
                </AlertDialogAction>
              </>
            }
          />
        ) : null}
      </AlertDialog>
    </Card>
  );
}
