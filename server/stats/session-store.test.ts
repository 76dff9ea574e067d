import { describe, expect, it } from "vitest";
import { parseMemcachedStats } from "../node-kinds/memcached";
import { parseRedisInfo } from "../node-kinds/redis";
import { accumulate, combineSession } from "./session-store";

const MEMCACHED = "STAT pid 1\r\nSTAT curr_connections 3\r\nSTAT curr_items 12\r\nSTAT bytes 4096\r\nSTAT get_hits 40\r\nSTAT get_misses 12\r\nSTAT evictions 0\r\nEND\r\n";
const REDIS = [
  "# Server",
  "redis_version:7.0.15",
  "# Clients",
  "connected_clients:2",
  "# Memory",
  "used_memory:1048576",
  "# Stats",
  "keyspace_hits:30",
  "keyspace_misses:5",
  "evicted_keys:1",
  "# Keyspace",
  "db0:keys=7,expires=7,avg_ttl=1439000",
  "",
].join("\r\n");

describe("session store readings", () => {
  it("parses memcached stats", () => {
    expect(parseMemcachedStats(MEMCACHED)).toEqual({ up: true, items: 12, hits: 40, misses: 12, evictions: 0, connections: 3, bytes: 4096 });
    expect(parseMemcachedStats("ERROR\r\n")).toBeNull();
  });

  it("parses redis info, with and without keys", () => {
    expect(parseRedisInfo(REDIS)).toEqual({ up: true, items: 7, hits: 30, misses: 5, evictions: 1, connections: 2, bytes: 1048576 });
    expect(parseRedisInfo(REDIS.replace(/db0:.*\r\n/, ""))!.items).toBe(0);
    expect(parseRedisInfo("Could not connect to Redis")).toBeNull();
    // Session keys counted by the scan (lock keys left out) win over the keyspace total.
    expect(parseRedisInfo(`${REDIS}phleet_session_keys:5\r\n`)!.items).toBe(5);
  });

  it("keeps counters since creation across a store restart", () => {
    const r = (hits: number) => ({ up: true, items: 1, hits, misses: 0, evictions: 0, connections: 1, bytes: 1 });
    let s = accumulate(undefined, r(10));
    s = accumulate(s, r(15));
    expect(s.total.hits).toBe(15);
    s = accumulate(s, r(3)); // restarted: counting from zero again
    expect(s.total.hits).toBe(18);
    s = accumulate(s, r(4));
    expect(s.total.hits).toBe(19);
  });

  it("counts replicated memcached sessions once and sharded redis sessions in sum", () => {
    const r = (items: number, hits: number) => ({ up: true, items, hits, misses: 1, evictions: 0, connections: 1, bytes: 10 });
    const totals = [accumulate(undefined, r(10, 4)), accumulate(undefined, r(10, 6))];
    const mc = combineSession("memcached", [r(10, 4), r(9, 6), null], totals);
    expect(mc).toMatchObject({ items: 10, hits: 10, misses: 2, hitRatio: 0.8333, nodesUp: 2 });
    expect(combineSession("redis", [r(4, 0), r(6, 0)], []).items).toBe(10);
    expect(combineSession("redis", [null], []).hitRatio).toBeNull();
  });
});
