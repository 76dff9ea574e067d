import type { Stats } from "@/server/contracts/stats";

/**
 * Red only when server errors are a real share of the answers; a stray 404 (a browser's favicon
 * request) among thousands of 2xx is not a fault. 4xx are the client's doing: amber at 5 %.
 */
export function statusTone(r: Stats["balancer"]["requests"]): "danger" | "warning" | undefined {
  if (!r.total) return undefined;
  if (r["5xx"] / r.total >= 0.01) return "danger";
  if (r["4xx"] / r.total >= 0.05) return "warning";
  return undefined;
}
