import { counterValue as num } from "./counters";
import type { NodeKind, SessionNodeReading } from "./types";

/** Session store: redis, images/redis. Several nodes shard the sessions (phpredis), nothing is replicated. */

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

export const redis: NodeKind = {
  type: "redis",
  role: "session",
  image: "redis",
  port: 6379,
  restartPolicy: "unless-stopped",
  limits: { memoryMb: 256, cpus: 0.5, pids: 128 },
  healthProbe: ["/usr/local/bin/phleet-healthcheck"],
  sessionStore: {
    replicated: () => false,
    countersCommand: [
      "bash",
      "-c",
      // As Phleet's monitor user (INFO, SCAN, PING only); its password is a file Phleet wrote into the node.
      "export REDISCLI_AUTH=\"$(cat /etc/redis/phleet-monitor.pass)\"; r() { redis-cli --no-auth-warning --user phleet-monitor \"$@\"; }; " +
        "r info && printf 'phleet_session_keys:%s\\r\\n' \"$(r --scan --pattern 'PHPREDIS_SESSION:*' | grep -vc '_LOCK$')\"",
    ],
    parseCounters: parseRedisInfo,
    countRule: "Sessions are sharded over the redis nodes: the count is the sum of their keys.",
  },
  files: [
    {
      id: "redis-conf",
      path: "/etc/redis/redis.conf",
      label: "redis.conf",
      tree: ["etc", "redis"],
      language: "plain",
      description: "redis-server configuration (read at start)",
      readOnly: false,
      reload: "restart",
      validator: { kind: "redis" },
      validatorLabel: "redis-server FILE (test start on a private socket)",
    },
  ],
};
