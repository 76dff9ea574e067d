import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Environment } from "../contracts/environment";
import { api } from "../testing/api-client";
import { sleep, startLoad, until } from "../testing/load";

/** Issue 6's fault suite on {nginx-php x2, redis x1, nginx}. One Redis node cannot survive its own loss (README). */
describe("high availability with Redis sessions", () => {
  const client = api();
  const docker = new Docker();
  let env: Environment;

  beforeAll(async () => {
    const r = await client.create({ name: "it-ha-redis", appServer: { type: "nginx-php", count: 2 }, sessionStore: { type: "redis", count: 1 } });
    expect(r.status).toBe(202);
    env = await client.waitSettled(r.json.id);
    expect(env.status, env.error ?? "").toBe("running");
  });

  afterAll(async () => {
    if (!env) return;
    await client.call("DELETE", `/api/v1/environments/${env.id}`);
    await client.waitGone(env.id);
  });

  test("engine kill -9 of an nginx-php app server: no failed GET, no counter reset; Phleet starts it again", async () => {
    const load = startLoad(env.url!, { sessions: 6, maxMs: 60_000 });
    await sleep(2000);
    const victim = env.nodes.find((n) => n.role === "app")!;
    await docker.getContainer(victim.containerId!).kill({ signal: "SIGKILL" });
    await sleep(4000);
    const report = await load.stop();
    expect(report.failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.resets).toBe(0);
    expect(report.ok).toBeGreaterThan(50);
    await until("the killed app server is healthy again", async () => (await docker.getContainer(victim.containerId!).inspect()).State.Health?.Status === "healthy", 60_000);
  });

  test("10 parallel requests on one session: the counter ends exactly 10 higher (redis session locking)", async () => {
    const load = startLoad(env.url!, { sessions: 1, maxRequests: 1 });
    await load.done();
    const session = load.sessions[0]!;
    const before = load.lastVisits[0]!;
    const replies = await Promise.all(Array.from({ length: 10 }, () => session.counter()));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    const after = await session.counter();
    expect(after.reply!.visits).toBe(before + 11);
  });
});
