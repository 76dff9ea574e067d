"use client";

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SeriesPoint } from "@/server/contracts/stats";
import { clockTime, formatMs } from "./format";

/** Upstream time p50 and p95 per second. */
export function LatencyChart({ points }: { points: SeriesPoint[] }) {
  const rows = points.slice(0, -1).map((p) => ({ t: p.t, p50: p.p50, p95: p.p95 }));
  return (
    <div className="h-40 w-full" data-testid="latency-chart">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" tickFormatter={clockTime} minTickGap={48} stroke="var(--muted)" fontSize={11} tickLine={false} />
          <YAxis stroke="var(--muted)" fontSize={11} tickLine={false} axisLine={false} width={48} tickFormatter={(v: number) => (v >= 1000 ? `${Math.round(v / 100) / 10}k` : String(v))} />
          <Tooltip
            labelFormatter={(t) => clockTime(Number(t))}
            formatter={(v) => formatMs(typeof v === "number" ? v : null)}
            contentStyle={{ background: "var(--surface)", border: "1px solid var(--border)", borderRadius: 8, fontSize: 12 }}
          />
          <Area type="monotone" dataKey="p95" name="p95" stroke="var(--warning)" fill="var(--warning)" fillOpacity={0.12} connectNulls={false} isAnimationActive={false} />
          <Area type="monotone" dataKey="p50" name="p50" stroke="var(--primary)" fill="var(--primary)" fillOpacity={0.15} connectNulls={false} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
