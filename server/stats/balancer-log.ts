/**
 * Pure: one line of the balancer's JSON access log (log_format phleet in server/node-kinds/render.ts)
 * -> a request record. Anything else on the log (nginx's own messages) gives null.
 */

export interface BalancerRecord {
  /** When nginx finished the request, unix ms. */
  ts: number;
  /** nginx's $request_id: 32 random hex digits per request. */
  rid: string;
  method: string;
  uri: string;
  status: number;
  /** Every upstream address nginx tried, in order; the last one gave the response. Empty when no upstream was involved. */
  upstreams: string[];
  upstreamStatuses: string[];
  /** Upstream time of the attempt that answered, ms. */
  upstreamMs: number | null;
  /** Upstream time of every attempt together, ms. */
  upstreamTotalMs: number | null;
  requestMs: number;
  bytes: number;
}

/**
 * nginx lists attempts as "a:80, b:80" and, across internal redirects, separates groups with " : ".
 * An address itself contains ':' without spaces, so only spaced colons are separators.
 */
export function splitUpstreamList(value: string | undefined): string[] {
  if (!value || value === "-") return [];
  return value
    .split(/\s*,\s*|\s+:\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s !== "-");
}

function seconds(value: string): number | null {
  const n = Number(value);
  return value !== "-" && value !== "" && Number.isFinite(n) ? n * 1000 : null;
}

/** "ip:port" -> "ip" (an address nginx could not resolve to one, like the group name, stays as it is). */
export function hostOf(address: string): string {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address);
  return m ? m[1]! : address;
}

export function parseBalancerLine(text: string): BalancerRecord | null {
  const line = text.trim();
  if (!line.startsWith("{")) return null;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  const status = Number(raw.status);
  const rid = typeof raw.rid === "string" ? raw.rid : "";
  if (!rid || !Number.isInteger(status)) return null;
  const times = splitUpstreamList(typeof raw.urt === "string" ? raw.urt : undefined).map(seconds);
  const numeric = times.filter((t): t is number => t !== null);
  const last = times.length ? times[times.length - 1]! : null;
  return {
    ts: Number(raw.ts) * 1000 || 0,
    rid,
    method: typeof raw.method === "string" ? raw.method : "",
    uri: typeof raw.uri === "string" ? raw.uri : "",
    status,
    upstreams: splitUpstreamList(typeof raw.ua === "string" ? raw.ua : undefined),
    upstreamStatuses: splitUpstreamList(typeof raw.us === "string" ? raw.us : undefined),
    upstreamMs: last,
    upstreamTotalMs: numeric.length ? numeric.reduce((a, b) => a + b, 0) : null,
    requestMs: (Number(raw.rt) || 0) * 1000,
    bytes: Number(raw.bytes) || 0,
  };
}

export type StatusClass = "2xx" | "3xx" | "4xx" | "5xx";
export function statusClass(status: number): StatusClass | null {
  if (status >= 200 && status < 300) return "2xx";
  if (status >= 300 && status < 400) return "3xx";
  if (status >= 400 && status < 500) return "4xx";
  if (status >= 500 && status < 600) return "5xx";
  return null;
}

export { compareLogTimestamps } from "../runtime/log-timestamps";
