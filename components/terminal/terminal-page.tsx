"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronLeft, ScrollText } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { environmentQuery } from "@/components/data/environments";
import { Button } from "@/components/ui/button";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Skeleton } from "@/components/ui/skeleton";

// xterm.js touches the DOM when it loads: only in the browser.
const WebTerminal = dynamic(() => import("./web-terminal").then((m) => m.WebTerminal), {
  ssr: false,
  loading: () => <Skeleton className="min-h-0 flex-1 rounded-xl" />,
});

export function TerminalPage({ environmentId, nodeId }: { environmentId: string; nodeId: string }) {
  const q = useQuery(environmentQuery(environmentId));
  const node = q.data?.nodes.find((n) => n.id === nodeId);
  const back = `/environments/${encodeURIComponent(environmentId)}`;
  return (
    <div className="flex h-[calc(100dvh-7.5rem)] min-h-80 flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div className="flex flex-col gap-1">
          <Link href={back} className="inline-flex w-fit items-center gap-1 text-sm text-muted hover:text-fg">
            <ChevronLeft aria-hidden className="size-4" />
            {q.data?.name ?? "Environment"}
          </Link>
          <h1 className="text-2xl font-semibold tracking-tight">Terminal{node ? `: ${node.hostname}` : ""}</h1>
        </div>
        {node ? (
          <Button asChild variant="secondary" size="sm">
            <Link href={`${back}/logs?node=${encodeURIComponent(node.id)}`}>
              <ScrollText aria-hidden />
              Logs
            </Link>
          </Button>
        ) : null}
      </div>
      {q.isPending ? (
        <Skeleton className="min-h-0 flex-1 rounded-xl" />
      ) : !node ? (
        <ErrorPanel title="Node not found" message={q.isError ? q.error.message : "This environment has no such node; it may have been removed by scaling."} />
      ) : (
        <WebTerminal environmentId={environmentId} nodeId={node.id} hostname={node.hostname} />
      )}
      <p className="text-xs text-muted">A shell inside the container. Copy with the selection, paste with Ctrl+Shift+V or the browser menu. The session is recorded in the audit trail (not what you type).</p>
    </div>
  );
}
