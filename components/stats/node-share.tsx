import type { NodeStats } from "@/server/contracts/stats";
import { cn } from "@/components/ui/cn";
import { formatCount, formatPercent, formatRate, nodeColor } from "./format";

/** Each app node's share of the traffic: over the last 10 s (live) and since the environment was created. */
export function NodeShare({ nodes }: { nodes: NodeStats[] }) {
  const all = nodes.reduce((s, n) => s + n.requests.total, 0);
  return (
    <ul className="flex flex-col gap-3" aria-label="Share of traffic per app node">
      {nodes.map((n, i) => {
        const live = n.share;
        const overall = all ? n.requests.total / all : null;
        const down = n.status !== "running" && n.status !== "unknown" && n.status !== "starting";
        return (
          <li key={n.id} data-testid="node-share" data-node-id={n.id} data-share={live ?? ""} data-total={n.requests.total}>
            <div className="flex items-baseline justify-between gap-3 text-sm">
              <span className="flex min-w-0 items-center gap-2">
                <span aria-hidden className="size-2.5 shrink-0 rounded-full" style={{ background: nodeColor(i) }} />
                <span className="truncate font-medium" title={n.hostname}>
                  {n.hostname}
                </span>
                {down ? <span className="text-xs text-danger">{n.status}</span> : null}
              </span>
              <span className="shrink-0 text-base font-semibold tabular-nums">{formatPercent(live)}</span>
            </div>
            <div className="mt-1.5 h-2 overflow-hidden rounded-full bg-surface-2" role="meter" aria-label={`${n.hostname}: share over the last 10 s`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((live ?? 0) * 100)}>
              <div className={cn("h-full rounded-full transition-[width] duration-700")} style={{ width: `${(live ?? 0) * 100}%`, background: nodeColor(i) }} />
            </div>
            <p className="mt-1 text-xs text-muted tabular-nums">
              {formatRate(n.requestsPerSecond)}/s now · {formatCount(n.requests.total)} answered, {formatPercent(overall)} of all since creation
              {n.failedAttempts ? ` · ${formatCount(n.failedAttempts)} failed attempt${n.failedAttempts === 1 ? "" : "s"} retried elsewhere` : ""}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
