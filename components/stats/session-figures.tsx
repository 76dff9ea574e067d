import type { Stats } from "@/server/contracts/stats";
import { formatBytes, formatCount, formatPercent } from "./format";

/** Sessions in the store and how often a request found its session. */
export function SessionFigures({ session }: { session: Stats["session"] }) {
  const label = session.type === "memcached" ? "Memcached" : "Redis";
  return (
    <div className="flex flex-col gap-4">
      <dl className="grid grid-cols-2 gap-4">
        <div>
          <dt className="text-xs text-muted">Sessions</dt>
          <dd className="text-2xl font-semibold tabular-nums" data-testid="session-count">
            {formatCount(session.items)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Hit ratio</dt>
          <dd className="text-2xl font-semibold tabular-nums" data-testid="session-hit-ratio">
            {formatPercent(session.hitRatio, 1)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Hits / misses</dt>
          <dd className="tabular-nums">
            {formatCount(session.hits)} / {formatCount(session.misses)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Evictions</dt>
          <dd className="tabular-nums">{formatCount(session.evictions)}</dd>
        </div>
      </dl>
      <ul className="flex flex-col gap-1.5 text-sm">
        {session.nodes.map((n) => (
          <li key={n.id} className="flex items-baseline justify-between gap-3">
            <span className="flex min-w-0 items-center gap-2">
              <span aria-hidden className={`size-2 shrink-0 rounded-full ${n.up ? "bg-success" : "bg-danger"}`} />
              <span className="truncate font-medium whitespace-nowrap" title={n.hostname}>{n.hostname}</span>
              <span className="sr-only">{n.up ? "answering" : "not answering"}</span>
            </span>
            <span className="shrink-0 text-xs tabular-nums text-muted">
              {formatCount(n.items)} items · {n.connections} conn · {formatBytes(n.bytes)}
            </span>
          </li>
        ))}
      </ul>
      <p className="text-xs text-muted">
        {label}: {session.countRule} Hits and misses are counted since the environment was created.
      </p>
    </div>
  );
}
