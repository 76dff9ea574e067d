"use client";

import { Activity, ArrowLeftRight, Gauge, Timer } from "lucide-react";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Skeleton } from "@/components/ui/skeleton";
import type { Stats } from "@/server/contracts/stats";
import { useLiveStats } from "./data";
import { formatCount, formatMs, formatRate } from "./format";
import { statusTone } from "./status-tone";
import { LatencyChart } from "./latency-chart";
import { NodeShare } from "./node-share";
import { RequestsChart } from "./requests-chart";
import { ResourcesTable } from "./resources-table";
import { SessionFigures } from "./session-figures";
import { TrafficForm } from "./traffic-form";

/**
 * Live balancing and session statistics of one environment, from its real balancer log and session
 * store: updated every second over server-sent events (polling when the stream cannot get through).
 */
export function StatsPanel({ environmentId }: { environmentId: string }) {
  const live = useLiveStats(environmentId);
  const s = live.stats;

  if (live.gone) {
    return <ErrorPanel title="Statistics unavailable" message="This environment no longer exists." />;
  }
  if (!s) {
    if (live.error) return <ErrorPanel title="Could not load the statistics" message={live.error} />;
    return <PanelSkeleton />;
  }

  const tone = statusTone(s.balancer.requests);
  return (
    <section className="flex flex-col gap-6" aria-label="Live statistics" data-testid="stats-panel" data-collector={s.collector.state}>
      <CollectorNotice stats={s} error={live.error} />
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Figure icon={<Activity aria-hidden />} label="Requests/s (10 s)" value={formatRate(s.balancer.requestsPerSecond)} testId="figure-rps" sub={`${formatCount(s.balancer.requests.total)} since creation`} />
        <Figure
          icon={<Gauge aria-hidden />}
          label="Responses"
          value={`${formatCount(s.balancer.requests["2xx"])} 2xx`}
          testId="figure-status"
          sub={`${formatCount(s.balancer.requests["3xx"])} 3xx · ${formatCount(s.balancer.requests["4xx"])} 4xx · ${formatCount(s.balancer.requests["5xx"])} 5xx`}
          tone={tone}
        />
        <Figure
          icon={<ArrowLeftRight aria-hidden />}
          label="Failovers"
          value={formatCount(s.balancer.failovers)}
          testId="figure-failovers"
          sub={`${formatCount(s.balancer.failedAttempts)} failed attempt${s.balancer.failedAttempts === 1 ? "" : "s"}${s.balancer.unattributed ? ` · ${formatCount(s.balancer.unattributed)} unanswered` : ""}`}
          tone={s.balancer.failovers ? "warning" : undefined}
        />
        <Figure icon={<Timer aria-hidden />} label="Upstream time (60 s)" value={`p50 ${formatMs(s.balancer.latencyMs.p50)}`} testId="figure-latency" sub={`p95 ${formatMs(s.balancer.latencyMs.p95)}`} />
      </div>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card>
          <CardHeader>
            <div>
              <CardTitle>Requests per second by app node</CardTitle>
              <p className="mt-0.5 text-sm text-muted">Last 3 minutes, as the balancer logged them, stacked per node. Dashed: failovers.</p>
            </div>
          </CardHeader>
          <CardBody>
            <RequestsChart points={live.points} nodes={s.nodes} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Share of traffic</CardTitle>
          </CardHeader>
          <CardBody>
            <NodeShare nodes={s.nodes} />
          </CardBody>
        </Card>
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <Card>
          <CardHeader>
            <CardTitle>Upstream time (ms)</CardTitle>
          </CardHeader>
          <CardBody>
            <LatencyChart points={live.points} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Sessions</CardTitle>
          </CardHeader>
          <CardBody>
            <SessionFigures session={s.session} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>CPU and memory</CardTitle>
          </CardHeader>
          <CardBody>
            <ResourcesTable stats={s} />
          </CardBody>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <div>
            <CardTitle>Send test traffic</CardTitle>
            <p className="mt-0.5 text-sm text-muted">Watch the balancer spread it; stop an app node meanwhile to see failover.</p>
          </div>
        </CardHeader>
        <CardBody>
          <TrafficForm environmentId={environmentId} />
        </CardBody>
      </Card>
    </section>
  );
}

function CollectorNotice({ stats, error }: { stats: Stats; error: string | null }) {
  const c = stats.collector;
  const tone = error ? "danger" : c.state === "following" ? "success" : c.state === "waiting" ? "warning" : "neutral";
  const text = error ?? (c.state === "following" ? "Live" : c.state === "waiting" ? "Waiting for the balancer" : c.state === "off" ? "Collection off" : "Not collecting");
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" aria-live="polite">
      <Badge tone={tone} data-testid="collector-state">
        {c.state === "following" && !error ? <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" /> : null}
        {text}
      </Badge>
      {c.message && !error ? <span className="text-muted">{c.message}</span> : null}
    </div>
  );
}

function Figure({ icon, label, value, sub, testId, tone }: { icon: ReactNode; label: string; value: string; sub: string; testId: string; tone?: "danger" | "warning" }) {
  return (
    <Card className="px-4 py-3" data-testid={testId}>
      <div className="flex items-center gap-2 text-xs text-muted [&_svg]:size-3.5">
        {icon}
        {label}
      </div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${tone === "danger" ? "text-danger" : tone === "warning" ? "text-warning" : ""}`}>{value}</div>
      <div className="mt-0.5 truncate text-xs text-muted tabular-nums">{sub}</div>
    </Card>
  );
}

function PanelSkeleton() {
  return (
    <div className="flex flex-col gap-6" aria-busy="true" aria-label="Loading statistics">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-20" />
        ))}
      </div>
      <Skeleton className="h-72" />
    </div>
  );
}
