import type { SessionStoreType } from "../contracts/environment";

/**
 * Pure: session-store counters. Read through the engine (exec), parsed here, and turned into
 * figures for the environment:
 * - memcached: PHP's memcached handler writes every session to every node (replicas = nodes - 1), so
 *   each node holds the full set: the session count is the largest `curr_items` of the nodes (a node
 *   restarted and still empty does not lower it).
 * - redis: PHP's redis handler shards sessions over the nodes by id: the count is the sum over the nodes
 *   of the session keys (`PHPREDIS_SESSION:*`, found with SCAN), lock keys (`*_LOCK`) left out; the
 *   keyspace total is the fallback when the scan line is missing.
 * - memcached has no cheap key listing: `curr_items` includes the short-lived lock entries of requests
 *   in flight (`lock.<id>`, deleted when the request ends, expiring after 30 s otherwise).
 * Hits, misses and evictions are counted by every node that did the work, so they add up in both cases,
 * and they are kept as totals since the environment was created: a store that restarts starts its own
 * counters from zero, which is detected (the counter went down) and not subtracted.
 */

export interface SessionNodeReading {
  up: boolean;
  items: number;
  hits: number;
  misses: number;
  evictions: number;
  connections: number;
  bytes: number;
}

export const MEMCACHED_STATS_CMD = ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/11211; printf 'stats\\r\\nquit\\r\\n' >&3; timeout 3 cat <&3"];
export const REDIS_INFO_CMD = [
  "bash",
  "-c",
  // As Phleet's monitor user (INFO, SCAN, PING only); its password is a file Phleet wrote into the node.
  "export REDISCLI_AUTH=\"$(cat /etc/redis/phleet-monitor.pass)\"; r() { redis-cli --no-auth-warning --user phleet-monitor \"$@\"; }; " +
    "r info && printf 'phleet_session_keys:%s\\r\\n' \"$(r --scan --pattern 'PHPREDIS_SESSION:*' | grep -vc '_LOCK$')\"",
];

export function sessionReadCommand(type: SessionStoreType): string[] {
  return type === "memcached" ? MEMCACHED_STATS_CMD : REDIS_INFO_CMD;
}

const num = (v: string | undefined) => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

/** `STAT name value` lines of memcached's `stats`. */
export function parseMemcachedStats(text: string): SessionNodeReading | null {
  const stats = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^STAT (\S+) (.*)$/.exec(line.trim());
    if (m) stats.set(m[1]!, m[2]!);
  }
  if (!stats.has("curr_items")) return null;
  return {
    up: true,
    items: num(stats.get("curr_items")),
    hits: num(stats.get("get_hits")),
    misses: num(stats.get("get_misses")),
    evictions: num(stats.get("evictions")),
    connections: num(stats.get("curr_connections")),
    bytes: num(stats.get("bytes")),
  };
}

/** `redis-cli info`: `name:value` lines, keyspace as `db0:keys=N,expires=M,avg_ttl=T`. */
export function parseRedisInfo(text: string): SessionNodeReading | null {
  const info = new Map<string, string>();
  let keys = 0;
  for (const line of text.split(/\r?\n/)) {
    const m = /^([a-z0-9_]+):(.*)$/.exec(line.trim());
    if (!m) continue;
    info.set(m[1]!, m[2]!);
    if (/^db\d+$/.test(m[1]!)) keys += num(/(?:^|,)keys=(\d+)/.exec(m[2]!)?.[1]);
  }
  if (!info.has("redis_version") && !info.has("used_memory")) return null;
  const sessionKeys = info.get("phleet_session_keys");
  return {
    up: true,
    items: sessionKeys !== undefined && /^\d+$/.test(sessionKeys) ? Number(sessionKeys) : keys,
    hits: num(info.get("keyspace_hits")),
    misses: num(info.get("keyspace_misses")),
    evictions: num(info.get("evicted_keys")),
    connections: num(info.get("connected_clients")),
    bytes: num(info.get("used_memory")),
  };
}

export function parseSessionReading(type: SessionStoreType, text: string): SessionNodeReading | null {
  return type === "memcached" ? parseMemcachedStats(text) : parseRedisInfo(text);
}

type Counter = "hits" | "misses" | "evictions";
const COUNTERS: Counter[] = ["hits", "misses", "evictions"];

/** What is persisted per store node: the running totals and the last raw reading (to take deltas from). */
export interface SessionCounterState {
  total: Record<Counter, number>;
  last: Record<Counter, number> | null;
}
export type SessionTotalsState = Record<string, SessionCounterState>;

/** Adds a reading to the node's running totals; a counter that went down means the store restarted. */
export function accumulate(state: SessionCounterState | undefined, reading: SessionNodeReading): SessionCounterState {
  const next: SessionCounterState = state
    ? { total: { ...state.total }, last: state.last ? { ...state.last } : null }
    : { total: { hits: 0, misses: 0, evictions: 0 }, last: null };
  for (const c of COUNTERS) {
    const now = reading[c];
    const before = next.last?.[c];
    next.total[c] += before === undefined || now < before ? now : now - before;
  }
  next.last = { hits: reading.hits, misses: reading.misses, evictions: reading.evictions };
  return next;
}

export interface SessionFigures {
  items: number;
  hits: number;
  misses: number;
  evictions: number;
  hitRatio: number | null;
  connections: number;
  bytes: number;
  nodesUp: number;
}

/** The environment's figures from each store node's latest reading (null when it did not answer) and totals. */
export function combineSession(type: SessionStoreType, readings: (SessionNodeReading | null)[], totals: SessionCounterState[]): SessionFigures {
  const up = readings.filter((r): r is SessionNodeReading => !!r?.up);
  const items = type === "memcached" ? Math.max(0, ...up.map((r) => r.items)) : up.reduce((s, r) => s + r.items, 0);
  const sum = (c: Counter) => totals.reduce((s, t) => s + t.total[c], 0);
  const hits = sum("hits");
  const misses = sum("misses");
  return {
    items,
    hits,
    misses,
    evictions: sum("evictions"),
    hitRatio: hits + misses > 0 ? Math.round((hits / (hits + misses)) * 10_000) / 10_000 : null,
    connections: up.reduce((s, r) => s + r.connections, 0),
    bytes: up.reduce((s, r) => s + r.bytes, 0),
    nodesUp: up.length,
  };
}

export const SESSION_COUNT_RULE: Record<SessionStoreType, string> = {
  memcached: "Sessions are replicated to every memcached node: the count is the largest item count of the nodes.",
  redis: "Sessions are sharded over the redis nodes: the count is the sum of their keys.",
};
