import type { Stats } from "@/server/contracts/stats";
import { formatBytes } from "./format";

interface Row {
  id: string;
  role: string;
  hostname: string;
  cpuPercent: number | null;
  memoryBytes: number | null;
  status?: string;
}

/** CPU and memory of every node, from the engine's stats. */
export function ResourcesTable({ stats }: { stats: Stats }) {
  const rows: Row[] = [
    { id: "balancer", role: "Balancer", hostname: "load balancer", cpuPercent: stats.balancer.cpuPercent, memoryBytes: stats.balancer.memoryBytes },
    ...stats.nodes.map((n) => ({ id: n.id, role: "App server", hostname: n.hostname, cpuPercent: n.cpuPercent, memoryBytes: n.memoryBytes, status: n.status })),
    ...stats.session.nodes.map((n) => ({ id: n.id, role: "Session store", hostname: n.hostname, cpuPercent: n.cpuPercent, memoryBytes: n.memoryBytes, status: n.up ? "running" : "down" })),
  ];
  const maxCpu = Math.max(100, ...rows.map((r) => r.cpuPercent ?? 0));
  return (
    // Focusable so a keyboard can scroll it when it is wider than a phone.
    <div className="overflow-x-auto rounded-md focus-visible:outline-2 focus-visible:outline-ring" tabIndex={0} role="region" aria-label="CPU and memory per node">
      <table className="w-full text-sm" data-testid="resources-table">
        <thead>
          <tr className="text-left text-xs text-muted">
            <th scope="col" className="pb-2 font-medium">Node</th>
            <th scope="col" className="pb-2 font-medium">CPU</th>
            <th scope="col" className="pb-2 text-right font-medium">Memory</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-border">
              <td className="py-2 pr-3">
                <div className="max-w-[12rem] truncate font-medium whitespace-nowrap" title={r.hostname}>{r.hostname}</div>
                <div className="text-xs text-muted">{r.role}</div>
              </td>
              <td className="py-2 pr-3">
                <div className="flex items-center gap-2">
                  <div className="h-1.5 w-14 overflow-hidden rounded-full bg-surface-2" aria-hidden>
                    <div className="h-full rounded-full bg-primary" style={{ width: `${Math.min(100, ((r.cpuPercent ?? 0) / maxCpu) * 100)}%` }} />
                  </div>
                  <span className="tabular-nums">{r.cpuPercent === null ? "—" : `${r.cpuPercent.toFixed(1)}%`}</span>
                </div>
              </td>
              <td className="py-2 text-right tabular-nums">{formatBytes(r.memoryBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
