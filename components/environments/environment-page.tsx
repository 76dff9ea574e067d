"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowUpRight, ChevronLeft, CircleCheck, History } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { ApiRequestError } from "@/components/data/api";
import { environmentQuery } from "@/components/data/environments";
import { Button } from "@/components/ui/button";
import { useNow } from "@/components/ui/use-now";
import { Card } from "@/components/ui/card";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Skeleton } from "@/components/ui/skeleton";
import type { Environment } from "@/server/contracts/environment";
import { DeleteEnvironmentDialog } from "./delete-environment-dialog";
import { EnvironmentActions } from "./environment-actions";
import { absoluteTime, liveUrl, ROLE_LABEL, relativeTime, stackSummary, typeLabel } from "./labels";
import { ScaleControl } from "./scale-control";
import { NodeCard } from "./node-card";
import { EnvironmentStatusBadge } from "./status-badge";
import { TaskProgress, taskTitle } from "./task-progress";
import { TopologyLayers } from "./topology-layers";
import { LayerLimitsControl } from "./layer-limits";
import type { LimitLayer } from "@/server/contracts/limits";
import { StatsPanel } from "@/components/stats/stats-panel";
import { HttpsPanel } from "@/components/https/https-panel";
import { DatabasePanel } from "@/components/databases/database-panel";


export function EnvironmentPage({ id }: { id: string }) {
  const q = useQuery(environmentQuery(id));
  const env = q.data;
  const busy = env?.task?.status === "running" || env?.status === "creating" || env?.status === "deleting";
  const now = useNow(!!busy);
  // The progress view stays up for this visit once it was seen running, so its end is visible.
  const [followed, setFollowed] = useState(false);
  if (busy && !followed) setFollowed(true);

  if (q.isPending) return <PageSkeleton />;
  if (q.isError && (!env || (q.error instanceof ApiRequestError && q.error.status === 404))) {
    const gone = q.error instanceof ApiRequestError && q.error.status === 404;
    return (
      <div className="flex flex-col gap-6">
        <BackLink />
        <ErrorPanel
          title={gone ? "Environment not found" : "Could not load the environment"}
          message={gone ? "It may have been deleted. The list shows the environments that exist." : q.error.message}
          onRetry={gone ? undefined : () => void q.refetch()}
          retrying={q.isFetching}
          action={
            <Button asChild variant="secondary" size="sm">
              <Link href="/">All environments</Link>
            </Button>
          }
        />
      </div>
    );
  }
  if (!env) return null;

  const task = env.task;
  // Beside the topology while it matters (running or failed); afterwards a log under it.
  const sideTask = task && (busy || env.status === "failed");
  const logTask = task && !sideTask && followed;

  return (
    <div className="flex flex-col gap-6">
      <Header env={env} />
      {q.isError ? <ErrorPanel title="Live updates paused" message={q.error.message} onRetry={() => void q.refetch()} retrying={q.isFetching} /> : null}
      {env.status === "running" && followed && task?.kind === "environment.create" ? <ReadyBanner env={env} /> : null}
      <div className={sideTask ? "grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]" : ""}>
        {sideTask ? <TaskProgress env={env} task={task} now={now} /> : null}
        <Topology env={env} />
      </div>
      {logTask ? (
        <details className="group rounded-xl">
          <summary className="w-fit cursor-pointer rounded-md text-sm text-muted select-none hover:text-fg" data-testid="last-task-summary">
            Last task: {taskTitle(task)} ({task.steps.length} steps)
          </summary>
          <div className="mt-3 flex max-w-xl flex-col gap-2">
            <TaskProgress env={env} task={task} now={now} />
            <Link href={`/environments/${env.id}/tasks`} className="inline-flex w-fit items-center gap-1 rounded text-sm text-primary hover:underline">
              <History aria-hidden className="size-4" />
              All tasks of {env.name}
            </Link>
          </div>
        </details>
      ) : null}
      {env.status === "running" ? <HttpsPanel envId={env.id} /> : null}
      {env.status === "running" && env.database ? <DatabasePanel env={env} /> : null}
      {env.status === "running" ? <StatsPanel environmentId={env.id} /> : null}
    </div>
  );
}

function BackLink() {
  return (
    <Link href="/" className="inline-flex w-fit items-center gap-1 rounded-md text-sm text-muted hover:text-fg">
      <ChevronLeft aria-hidden className="size-4" />
      Environments
    </Link>
  );
}

function Header({ env }: { env: Environment }) {
  const url = liveUrl(env);
  return (
    <div className="flex flex-col gap-2">
      <BackLink />
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight break-all">{env.name}</h1>
            <span aria-live="polite" data-testid="environment-status">
              <EnvironmentStatusBadge status={env.status} health={env.health} />
            </span>
          </div>
          <p className="mt-1.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-muted">
            <span>{stackSummary(env.topology)}</span>
            <span aria-hidden>·</span>
            <span>
              created{" "}
              <time dateTime={env.createdAt} title={absoluteTime(env.createdAt)}>
                {relativeTime(env.createdAt)}
              </time>
            </span>
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {url ? (
            <Button asChild variant="secondary">
              <a href={url} target="_blank" rel="noopener noreferrer">
                Open
                <ArrowUpRight aria-hidden />
                <span className="sr-only">(opens {url} in a new tab)</span>
              </a>
            </Button>
          ) : null}
          {env.status === "running" ? <EnvironmentActions env={env} /> : null}
          <DeleteEnvironmentDialog env={env} />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-muted">URL</span>
        {url ? (
          <a
            href={url}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="environment-url"
            className="inline-flex min-w-0 items-center gap-1 rounded font-mono text-primary hover:underline"
          >
            <span className="truncate">{url}</span>
            <ArrowUpRight aria-hidden className="size-3.5 shrink-0" />
          </a>
        ) : (
          <span className="text-muted" data-testid="environment-url-pending">
            {env.url ? (
              <>
                <span className="font-mono">{env.url}</span> answers once the load balancer runs
              </>
            ) : (
              "assigned when the balancer starts"
            )}
          </span>
        )}
        {/* The other balancers' addresses once they run (before, they would lead nowhere, as liveUrl says). */}
        {env.balancers.slice(1).map((b) =>
          b.url && env.status === "running" && env.nodes.some((n) => n.hostname === b.hostname && n.status === "running") ? (
            <span key={b.hostname} className="inline-flex min-w-0 items-center gap-2">
              <span className="text-muted">and</span>
              <a
                href={b.url}
                target="_blank"
                rel="noopener noreferrer"
                data-testid="environment-url-more"
                title={`Served by ${b.hostname}: point your domain at both`}
                className="inline-flex min-w-0 items-center gap-1 rounded font-mono text-primary hover:underline"
              >
                <span className="truncate">{b.url}</span>
                <ArrowUpRight aria-hidden className="size-3.5 shrink-0" />
              </a>
            </span>
          ) : null,
        )}
      </div>
    </div>
  );
}

function ReadyBanner({ env }: { env: Environment }) {
  return (
    <div role="status" className="flex flex-wrap items-center gap-3 rounded-xl border border-success/30 bg-success/8 px-4 py-3 text-sm">
      <CircleCheck aria-hidden className="size-5 shrink-0 text-success" />
      <p className="min-w-0 flex-1">
        <span className="font-medium">{env.name} is running.</span>{" "}
        <span className="text-muted">Open it: reloads are balanced over the app servers and the session follows.</span>
      </p>
    </div>
  );
}

function Topology({ env }: { env: Environment }) {
  const of = (role: keyof typeof ROLE_LABEL) => env.nodes.filter((n) => n.role === role);
  const card = (n: Environment["nodes"][number]) => <NodeCard key={n.id} node={n} env={env} />;
  const limits = (layer: LimitLayer, title: string) => (env.status === "running" && of(layer).length ? <LayerLimitsControl envId={env.id} layer={layer} title={title} /> : undefined);
  return (
    <section aria-labelledby="topology-title" className="min-w-0">
      <h2 id="topology-title" className="sr-only">
        Topology
      </h2>
      <TopologyLayers
        layers={[
          { key: "balancer", title: ROLE_LABEL.balancer, detail: `${of("balancer").length > 1 ? `${of("balancer").length} × ` : ""}${typeLabel(env.topology.loadBalancer.type)}`, items: of("balancer").map(card), actions: limits("balancer", ROLE_LABEL.balancer) },
          {
            key: "app",
            title: "App servers",
            detail: `${of("app").length} × ${typeLabel(env.topology.appServer.type)}`,
            actions: (
              <>
                {env.status === "running" ? <ScaleControl key={env.topology.appServer.count} env={env} count={env.topology.appServer.count} /> : null}
                {limits("app", "App servers")}
              </>
            ),
            items: of("app").map(card),
          },
          {
            key: "session",
            title: ROLE_LABEL.session,
            detail: `${of("session").length} × ${typeLabel(env.topology.sessionStore.type)}`,
            items: of("session").map(card),
            actions: limits("session", ROLE_LABEL.session),
          },
          ...(env.topology.database
            ? [{ key: "database", title: ROLE_LABEL.database, detail: typeLabel(env.topology.database.type), items: of("database").map(card) }]
            : []),
        ]}
      />
    </section>
  );
}

function PageSkeleton() {
  return (
    <div className="flex flex-col gap-6" aria-busy="true" aria-label="Loading the environment">
      <div className="flex flex-col gap-3">
        <Skeleton className="h-4 w-24" />
        <Skeleton className="h-8 w-56" />
        <Skeleton className="h-4 w-80 max-w-full" />
      </div>
      {[0, 1, 2].map((i) => (
        <Card key={i} className="p-4">
          <Skeleton className="mb-3 h-3 w-28" />
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            <Skeleton className="h-28" />
            {i === 1 ? <Skeleton className="h-28" /> : null}
          </div>
        </Card>
      ))}
    </div>
  );
}
