"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowUpRight, ChevronLeft, FileCog } from "lucide-react";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { useNow } from "@/components/ui/use-now";
import { ApiRequestError } from "@/components/data/api";
import { environmentQuery } from "@/components/data/environments";
import { ROLE_LABEL } from "@/components/environments/labels";
import { TaskProgress } from "@/components/environments/task-progress";
import { Card } from "@/components/ui/card";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Skeleton } from "@/components/ui/skeleton";
import type { Environment } from "@/server/contracts/environment";
import type { EditScope } from "./data";
import { FilePanel } from "./file-panel";
import { ScopeTree, type Selection } from "./file-tree";

const RESTART_KINDS = new Set(["nodes.restart", "config.restart"]);


function scopesOf(env: Environment): { scope: EditScope; hint?: string }[] {
  const apps = env.nodes.filter((n) => n.role === "app");
  const out: { scope: EditScope; hint?: string }[] = [];
  if (apps.length > 1) out.push({ scope: { kind: "layer", layer: "app", label: "All app servers" }, hint: `${apps.length} nodes` });
  for (const n of env.nodes) out.push({ scope: { kind: "node", nodeId: n.id, label: n.hostname }, hint: ROLE_LABEL[n.role] });
  return out;
}

/** The config editor: files of every node (and the app layer) as a tree, the open file beside it. */
export function ConfigEditor({ id }: { id: string }) {
  const q = useQuery(environmentQuery(id));
  const env = q.data;
  const [selected, setSelected] = useState<Selection | null>(null);
  const [dirty, setDirty] = useState(false);
  // Restart progress stays visible for this visit once one was seen running.
  const [followTask, setFollowTask] = useState<string | null>(null);
  const task = env?.task ?? null;
  if (task && task.status === "running" && RESTART_KINDS.has(task.kind) && followTask !== task.id) setFollowTask(task.id);
  const now = useNow(task?.status === "running");
  const onDirtyChange = useCallback((d: boolean) => setDirty(d), []);
  // On a phone the editor sits under the whole file tree: bring it into view when a file is picked.
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (selected && window.matchMedia("(max-width: 1023px)").matches) panel.current?.scrollIntoView({ block: "start" });
  }, [selected]);

  const select = (s: Selection) => {
    if (dirty && !window.confirm("Discard your unsaved changes to the open file?")) return;
    setDirty(false);
    setSelected(s);
  };

  if (q.isPending) return <Skeleton className="h-[70vh] w-full" />;
  if (!env) {
    const gone = q.error instanceof ApiRequestError && q.error.status === 404;
    return <ErrorPanel title={gone ? "Environment not found" : "Could not load the environment"} message={q.error?.message ?? ""} onRetry={() => void q.refetch()} />;
  }

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <Link href={`/environments/${env.id}`} className="inline-flex items-center gap-1 text-sm text-muted hover:text-fg">
            <ChevronLeft aria-hidden className="size-4" />
            {env.name}
          </Link>
          <h1 className="mt-1 text-xl font-semibold tracking-tight">Config files</h1>
        </div>
        {env.url ? (
          <a href={env.url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 text-sm font-medium text-primary hover:underline">
            {env.url}
            <ArrowUpRight aria-hidden className="size-4" />
          </a>
        ) : null}
      </div>

      {env.status !== "running" ? (
        <ErrorPanel title={`The environment is ${env.status}`} message="Its files can be edited while it is running." />
      ) : null}

      {task && followTask === task.id ? <TaskProgress env={env} task={task} now={now} /> : null}

      <div className="grid grid-cols-1 items-start gap-5 lg:grid-cols-[16rem_minmax(0,1fr)]">
        <Card className="p-2" data-testid="file-tree">
          <nav aria-label="Config files">
            {scopesOf(env).map(({ scope, hint }) => (
              <ScopeTree key={scope.kind === "node" ? scope.nodeId : scope.layer} envId={env.id} scope={scope} selected={selected} onSelect={select} hint={hint} />
            ))}
          </nav>
        </Card>
        {selected ? (
          <div ref={panel} className="min-w-0 scroll-mt-4" data-testid="file-panel-anchor">
          <FilePanel env={env} scope={selected.scope} path={selected.path} onDirtyChange={onDirtyChange} key={`${selected.scope.kind === "node" ? selected.scope.nodeId : selected.scope.layer}|${selected.path}`} />
          </div>
        ) : (
          <Card className="flex min-h-60 flex-col items-center justify-center gap-2 p-8 text-center text-sm text-muted">
            <FileCog aria-hidden className="size-6" />
            <p>Pick a file on the left. Edits to “All app servers” go to every app server at once.</p>
          </Card>
        )}
      </div>
    </div>
  );
}
