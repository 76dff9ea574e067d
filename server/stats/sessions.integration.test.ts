import { expect, test } from "vitest";
import type { Environment } from "../contracts/environment";
import type { Stats } from "../contracts/stats";
import { api, SessionClient } from "../testing/api-client";

/**
 * What "session count" means with several store nodes, against the real stores: memcached replicates
 * every session to every node (count = the largest node), redis shards them (count = the sum).
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sessionCount(app: "apache-php" | "nginx-php", store: "memcached" | "redis", name: string) {
  const client = api();
  const created = await client.create({ name, appServer: { type: app, count: 2 }, sessionStore: { type: store, count: 2 } });
  expect(created.status).toBe(202);
  const id = created.json.id;
  try {
    const env: Environment = await client.waitSettled(id);
    expect(env.status, env.error ?? "").toBe("running");
    const sessions = Array.from({ length: 12 }, () => new SessionClient(env.url!));
    const ids = new Set<string>();
    // One request per redis session for now: with two redis nodes, a session's second request waits
    // out the 30 s session lock (phpredis locking over a sharded save_path; reported, not a stats bug).
    const perSession = store === "redis" ? 1 : 3;
    // Four visitors at a time: the session count is the point here, not load.
    for (let batch = 0; batch < sessions.length; batch += 4) {
      await Promise.all(
        sessions.slice(batch, batch + 4).map(async (s) => {
          for (let i = 1; i <= perSession; i++) {
            const r = await s.counter();
            expect(r.status, r.body).toBe(200);
            expect(r.reply!.visits).toBe(i);
            ids.add(r.reply!.session_id);
          }
        }),
      );
    }
    expect(ids.size).toBe(12);
    let last: Stats | null = null;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      last = (await client.call("GET", `/api/v1/environments/${id}/stats?window=30`)).json as Stats;
      // Each node's counters are read on their own poll: wait for every node's reading, not only the largest.
      const settled = store === "memcached" ? last.session.nodes.every((n) => n.items === ids.size) : last.session.items === ids.size;
      if (settled && last.session.nodes.every((n) => n.up)) break;
      await sleep(500);
    }
    expect(last!.session.items).toBe(ids.size);
    expect(last!.session.nodes).toHaveLength(2);
    const perNode = last!.session.nodes.map((n) => n.items);
    if (store === "memcached") expect(perNode).toEqual([12, 12]);
    else expect(perNode.reduce((a, b) => a + b, 0)).toBe(12);
    expect(last!.balancer.requests["2xx"]).toBeGreaterThanOrEqual(12 * perSession);
    console.log(`[stats] ${store} x2: per node ${perNode.join(" + ")}, count ${last!.session.items}, hit ratio ${last!.session.hitRatio}`);
  } finally {
    expect((await client.call("DELETE", `/api/v1/environments/${id}`)).status).toBe(202);
    await client.waitGone(id);
  }
}

test("memcached x2 replicates: each node holds every session, the count is not doubled", async () => {
  await sessionCount("apache-php", "memcached", "st-mc2");
});

test("redis x2 shards: the count is the sum over the nodes", async () => {
  await sessionCount("nginx-php", "redis", "st-redis2");
});
