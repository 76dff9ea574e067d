import { counterValue as num } from "./counters";
import type { NodeKind, SessionNodeReading } from "./types";

/**
 * Session store: memcached, images/memcached. With 2-3 nodes php-memcached writes every session to every
 * node, so one can be lost; a node that comes back is empty and is re-admitted by Phleet (nodes/session-rejoin.ts),
 * which is why the engine must not restart it by itself.
 */

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

export const memcached: NodeKind = {
  type: "memcached",
  role: "session",
  image: "memcached",
  port: 11211,
  restartPolicy: "no",
  limits: { memoryMb: 128, cpus: 0.5, pids: 128 },
  healthProbe: ["/usr/local/bin/phleet-healthcheck"],
  sessionStore: {
    replicated: (nodeCount) => nodeCount > 1,
    countersCommand: ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/11211; printf 'stats\\r\\nquit\\r\\n' >&3; timeout 3 cat <&3"],
    parseCounters: parseMemcachedStats,
    countRule: "Sessions are replicated to every memcached node: the count is the largest item count of the nodes.",
  },
  files: [
    {
      id: "memcached-conf",
      path: "/etc/memcached.conf",
      label: "memcached.conf",
      tree: ["etc"],
      language: "plain",
      description: "memcached options, one per line (read at start)",
      readOnly: false,
      reload: "restart",
      validator: { kind: "memcached" },
      validatorLabel: "memcached <options> (test start on a private socket)",
    },
  ],
};
