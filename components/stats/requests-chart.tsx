"use client";

import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { NodeStats, SeriesPoint } from "@/server/contracts/stats";
import { clockTime, nodeColor } from "./format";

/** Requests per second answered by each app node (one-second buckets, stacked: the top is the total), plus failovers. */
export function RequestsChart({ points, nodes }: { points: SeriesPoint[]; nodes: NodeStats[] }) {
  // The newest second is still filling up: drawing it would always show a drop at the right edge.
  const rows = points.slice(0, -1).map((p) => {
    const row: Record<string, number> = { t: p.t, failovers: p.failovers };
    for (const n of nodes) row[n.id] = p.byNode[n.id] ?? 0;
    return row;
  });
  const total = points.reduce((s, p) => s + p.requests, 0);
  return (
    <div
      className="h-64 w-full"
      data-testid="requests-chart"
      data-window-total={total}
      data-last-t={points.at(-1)?.t ?? 0}
      role="img"
      aria-label={`Requests per second per app node over the last ${points.length} seconds: ${nodes.map((n) => `${n.hostname} ${n.requestsPerSecond}/s`).join(", ")}`}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" tickFormatter={clockTime} minTickGap={48} stroke="var(--muted)" fontSize={11} tickLine={false} />
          <YAxis allowDecimals={false} stroke="var(--muted)" fontSize={11} tickLine={false} axisLine={false} width={44} />
          <Tooltip
            labelFormatter={(t) => clockTime(Number(t))}
            contentStyle={{ background: "var(--surface)", border: "1px solid var(--border)", borderRadius: 8, fontSize: 12 }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {nodes.map((n, i) => (
            <Area
              key={n.id}
              type="monotone"
              stackId="nodes"
              dataKey={n.id}
              name={n.hostname}
              stroke={nodeColor(i)}
              fill={nodeColor(i)}
              fillOpacity={0.3}
              strokeWidth={1.5}
              isAnimationActive={false}
            />
          ))}
          <Line type="stepAfter" dataKey="failovers" name="failovers" stroke="var(--danger)" strokeDasharray="4 3" strokeWidth={1.5} dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
