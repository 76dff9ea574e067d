"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowUpRight, Boxes, Plus } from "lucide-react";
import Link from "next/link";
import { environmentsQuery } from "@/components/data/environments";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Skeleton } from "@/components/ui/skeleton";
import type { Environment } from "@/server/contracts/environment";
import { absoluteTime, relativeTime, stackSummary, liveUrl } from "./labels";
import { EnvironmentStatusBadge } from "./status-badge";

export function EnvironmentList() {
  const q = useQuery(environmentsQuery());
  const items = q.data;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Environments</h1>
          <p className="mt-1 text-sm text-muted">Clustered PHP behind a load balancer, sessions shared through a session store.</p>
        </div>
        {items && items.length > 0 ? (
          <Button asChild>
            <Link href="/environments/new">
              <Plus aria-hidden />
              New environment
            </Link>
          </Button>
        ) : null}
      </div>

      {q.isPending ? (
        <ListSkeleton />
      ) : q.isError && !items ? (
        <ErrorPanel title="Could not load the environments" message={q.error.message} onRetry={() => void q.refetch()} retrying={q.isFetching} />
      ) : items && items.length === 0 ? (
        <EmptyState />
      ) : items ? (
        <>
          {q.isError ? <ErrorPanel title="Live updates paused" message={q.error.message} onRetry={() => void q.refetch()} retrying={q.isFetching} /> : null}
          <EnvironmentTable items={items} />
        </>
      ) : null}
    </div>
  );
}

function EnvironmentTable({ items }: { items: Environment[] }) {
  return (
    <Card className="overflow-hidden">
      <ul aria-label="Environments" className="divide-y divide-border">
        <li aria-hidden className="hidden grid-cols-[minmax(0,1.3fr)_7.5rem_minmax(0,2fr)_minmax(0,1.3fr)_7rem] gap-4 bg-surface-2 px-5 py-2.5 text-xs font-medium tracking-wide text-muted uppercase lg:grid">
          <span>Name</span>
          <span>Status</span>
          <span>Stack</span>
          <span>URL</span>
          <span className="text-right">Created</span>
        </li>
        {items.map((env) => (
          <li
            key={env.id}
            data-testid="environment-row"
            data-name={env.name}
            className="relative grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-4 gap-y-1.5 px-5 py-4 transition-colors hover:bg-surface-2/60 lg:grid-cols-[minmax(0,1.3fr)_7.5rem_minmax(0,2fr)_minmax(0,1.3fr)_7rem]"
          >
            <Link
              href={`/environments/${env.id}`}
              className="truncate font-semibold text-fg after:absolute after:inset-0 after:content-[''] hover:text-primary focus-visible:outline-none focus-visible:after:rounded-sm focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-ring"
            >
              {env.name}
            </Link>
            <span className="justify-self-end lg:justify-self-start" aria-live="polite">
              <EnvironmentStatusBadge status={env.status} health={env.health} />
            </span>
            <span className="col-span-2 truncate text-sm text-muted lg:col-span-1 lg:text-fg">{stackSummary(env.topology)}</span>
            <span className="min-w-0 text-sm">
              {liveUrl(env) ? (
                <a
                  href={liveUrl(env)!}
                  target="_blank"
                  rel="noopener noreferrer"
                  className="relative z-10 inline-flex max-w-full items-center gap-1 font-mono text-[13px] text-primary hover:underline"
                >
                  <span className="truncate">{liveUrl(env)!.replace(/^https?:\/\//, "")}</span>
                  <ArrowUpRight aria-hidden className="size-3.5 shrink-0" />
                  <span className="sr-only">(opens in a new tab)</span>
                </a>
              ) : (
                <span className="text-muted">—</span>
              )}
            </span>
            <time dateTime={env.createdAt} title={absoluteTime(env.createdAt)} className="justify-self-end text-sm whitespace-nowrap text-muted">
              {relativeTime(env.createdAt)}
            </time>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function EmptyState() {
  return (
    <Card className="flex flex-col items-center px-6 py-14 text-center">
      <div className="flex size-14 items-center justify-center rounded-2xl bg-primary/10 text-primary">
        <Boxes aria-hidden className="size-7" />
      </div>
      <h2 className="mt-5 text-lg font-semibold">No environments yet</h2>
      <p className="mt-2 max-w-md text-sm text-muted">
        An environment is a load balancer, a few PHP app servers and a session store that they share, each in its own container. Create
        one and open it in your browser in about a minute.
      </p>
      <Button asChild size="lg" className="mt-6">
        <Link href="/environments/new">
          <Plus aria-hidden />
          Create environment
        </Link>
      </Button>
    </Card>
  );
}

function ListSkeleton() {
  return (
    <Card className="divide-y divide-border" aria-busy="true" aria-label="Loading environments">
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex items-center gap-4 px-5 py-4">
          <Skeleton className="h-4 w-32" />
          <Skeleton className="h-5 w-16 rounded-full" />
          <Skeleton className="hidden h-4 w-56 sm:block" />
          <Skeleton className="ml-auto h-4 w-16" />
        </div>
      ))}
    </Card>
  );
}
