import { expect } from "vitest";
import type { BalancerType, Environment } from "../contracts/environment";
import type { Stats, TrafficRun } from "../contracts/stats";
import { api, SessionClient } from "./api-client";

/**
 * The statistics suite, run for each balancer type (server/stats/stats*.integration.test.ts). Issue 5's acceptance
 * against the real engine, balancer and PHP: counts that add up exactly and
 * quickly, failover seen when an app node stops, the store's session count, and no double counting
 * when the balancer restarts (the log stream is reopened from its cursor).
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>, everyMs = 100): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let last: unknown = null;
  for (;;) {
    const v = await probe();
    if (v) return { value: v, ms: Date.now() - started };
    last = v;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
    await sleep(everyMs);
  }
}

export async function balancerStatsSuite(balancerType: BalancerType): Promise<void> {
  const client = api();
  const created = await client.create({
    name: balancerType === "nginx" ? "st-balance" : "st-balance-hx",
    appServer: { type: "apache-php", count: 2 },
    sessionStore: { type: "memcached", count: 1 },
    loadBalancer: { type: balancerType },
  });
  expect(created.status).toBe(202);
  const id = created.json.id;
  const stats = async (window = 120): Promise<Stats> => {
    const r = await client.call("GET", `/api/v1/environments/${id}/stats?window=${window}`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return r.json as Stats;
  };
  const nodeTotal = (s: Stats, nodeId: string) => s.nodes.find((n) => n.id === nodeId)!.requests.total;

  try {
    const env: Environment = await client.waitSettled(id);
    expect(env.status, env.error ?? "").toBe("running");
    const apps = env.nodes.filter((n) => n.role === "app");
    const balancer = env.nodes.find((n) => n.role === "balancer")!;
    expect(apps).toHaveLength(2);

    // The provisioning's own checks went through the balancer: they are part of "since creation".
    let previous = -1;
    const { value: base } = await waitFor("the collector follows the balancer log and has counted the provisioning checks", 30_000, async () => {
      const s = await stats();
      const stable = s.collector.state === "following" && s.balancer.requests.total >= apps.length * 2 && s.balancer.requests.total === previous;
      previous = s.balancer.requests.total;
      return stable && s;
    }, 500);
    expect(base.nodes.map((n) => n.id).sort()).toEqual(apps.map((a) => a.id).sort());

    // 1. 200 requests over 10 cookie sessions.
    const sessions = Array.from({ length: 10 }, () => new SessionClient(env.url!));
    const sessionIds = new Set<string>();
    await Promise.all(
      sessions.map(async (s) => {
        for (let i = 0; i < 20; i++) {
          const r = await s.counter();
          expect(r.status, r.body).toBe(200);
          sessionIds.add(r.reply!.session_id);
        }
      }),
    );
    const { value: after200, ms: lag } = await waitFor("200 requests counted", 3000, async () => {
      const s = await stats();
      return s.balancer.requests.total - base.balancer.requests.total >= 200 && s;
    });
    console.log(`[stats] 200 requests visible in the stats API ${lag} ms after the last answer`);
    const perNode = apps.map((a) => nodeTotal(after200, a.id) - nodeTotal(base, a.id));
    expect(perNode.reduce((x, y) => x + y, 0)).toBe(200);
    expect(Math.min(...perNode)).toBeGreaterThan(0);
    expect(after200.balancer.requests.total - base.balancer.requests.total).toBe(200);
    expect(after200.balancer.requests["2xx"] - base.balancer.requests["2xx"]).toBe(200);
    expect(after200.balancer.failovers).toBe(base.balancer.failovers);
    expect(after200.series.points.reduce((sum, p) => sum + p.requests, 0)).toBeGreaterThanOrEqual(200);

    // The store holds exactly the sessions the test created.
    expect(sessionIds.size).toBe(10);
    const { ms: sessionLag } = await waitFor("session count = 10", 15_000, async () => (await stats()).session.items === sessionIds.size, 500);
    const withSessions = await stats();
    expect(withSessions.session.hits).toBeGreaterThan(0);
    expect(withSessions.session.nodes[0]!.up).toBe(true);
    console.log(`[stats] session count ${withSessions.session.items} after ${sessionLag} ms, hit ratio ${withSessions.session.hitRatio}`);

    // 2. Stop one app node, then send test traffic through the action: failovers show, its share falls to 0.
    const victim = apps[0]!;
    const survivor = apps[1]!;
    const stopped = await client.nodeAction(id, victim.id, "stop");
    expect(stopped.status).toBe(200);
    const beforeTraffic = await stats();
    const started = await client.call("POST", `/api/v1/environments/${id}/traffic`, { requests: 120, ratePerSecond: 10, sessions: 5 });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    expect((started.json as TrafficRun).target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/counter\.php$/);
    const again = await client.call("POST", `/api/v1/environments/${id}/traffic`, { requests: 10 });
    expect(again.status).toBe(409);
    const { value: run } = await waitFor("the test traffic finishes", 90_000, async () => {
      const r = (await client.call("GET", `/api/v1/environments/${id}/traffic`)).json as { run: TrafficRun };
      return r.run.status !== "running" && r.run;
    }, 500);
    expect(run.status, run.error ?? "").toBe("succeeded");
    expect(run.ok).toBe(120);
    expect(run.distinctSessions).toBe(5);
    expect(Object.keys(run.byNode)).toEqual([survivor.hostname]);
    let seen: Stats = beforeTraffic;
    const { value: afterFailover } = await waitFor("120 more requests counted", 3000, async () => {
      seen = await stats();
      return seen.balancer.requests.total - beforeTraffic.balancer.requests.total >= 120 && seen;
    }).catch((err: Error) => {
      // Say what the collector saw, so a miss here can be told apart from a slow stream.
      throw new Error(`${err.message}; counted ${seen.balancer.requests.total - beforeTraffic.balancer.requests.total}, collector ${JSON.stringify(seen.collector)}`);
    });
    expect(afterFailover.balancer.requests.total - beforeTraffic.balancer.requests.total).toBe(120);
    expect(nodeTotal(afterFailover, victim.id)).toBe(nodeTotal(beforeTraffic, victim.id));
    expect(nodeTotal(afterFailover, survivor.id) - nodeTotal(beforeTraffic, survivor.id)).toBe(120);
    // NGINX learns that a server is gone from a failed attempt (passive checks): it fails over and counts it.
    // HAProxy checks every server each second, so by the time the traffic starts the stopped one is out of
    // rotation and nothing needs to fail over; the failover counts themselves are checked in ha-haproxy.
    const failoverSeen = balancerType === "nginx";
    if (failoverSeen) {
      expect(afterFailover.balancer.failovers).toBeGreaterThan(beforeTraffic.balancer.failovers);
      expect(afterFailover.nodes.find((n) => n.id === victim.id)!.failedAttempts).toBeGreaterThan(0);
    }
    const victimNow = afterFailover.nodes.find((n) => n.id === victim.id)!;
    expect(victimNow.share).toBe(0);
    expect(victimNow.status).not.toBe("running");
    expect(afterFailover.nodes.find((n) => n.id === survivor.id)!.share).toBe(1);
    const phase2 = afterFailover.series.points.filter((p) => p.t >= Date.parse(run.startedAt) / 1000);
    expect(phase2.reduce((s, p) => s + (p.byNode[victim.id] ?? 0), 0)).toBe(0);
    if (failoverSeen) expect(phase2.reduce((s, p) => s + p.failovers, 0)).toBeGreaterThan(0);
    console.log(`[stats] failovers while ${victim.hostname} was stopped: ${afterFailover.balancer.failovers - beforeTraffic.balancer.failovers}`);
    await waitFor("session count = 15", 15_000, async () => (await stats()).session.items === sessionIds.size + run.distinctSessions, 500);

    // 3. Restart the balancer: the log stream ends and is reopened from the cursor; nothing is counted twice.
    expect((await client.nodeAction(id, victim.id, "start")).status).toBe(200);
    const beforeRestart = await stats();
    expect((await client.nodeAction(id, balancer.id, "restart")).status).toBe(200);
    await waitFor("the balancer answers again", 30_000, async () => {
      try {
        return (await fetch(`${env.url}/phleet-lb-health`, { signal: AbortSignal.timeout(1000) })).status === 200;
      } catch {
        return false;
      }
    }, 250);
    for (let i = 0; i < 5; i++) for (const s of sessions.slice(0, 10)) expect((await s.counter()).status).toBe(200);
    const { value: afterRestart, ms: restartLag } = await waitFor("50 requests after the restart counted", 10_000, async () => {
      const s = await stats();
      return s.balancer.requests.total - beforeRestart.balancer.requests.total >= 50 && s.collector.reopened > beforeRestart.collector.reopened && s;
    });
    console.log(`[stats] after the balancer restart: counted ${restartLag} ms after the last answer, stream reopened ${afterRestart.collector.reopened}×`);
    await sleep(3000); // a late duplicate would show up now
    const settled = await stats();
    expect(settled.balancer.requests.total - beforeRestart.balancer.requests.total).toBe(50);
    expect(settled.balancer.requests.total - base.balancer.requests.total).toBe(200 + 120 + 50);
    expect(settled.nodes.reduce((s, n) => s + n.requests.total, 0) + settled.balancer.unattributed).toBe(settled.balancer.requests.total);
    expect(settled.collector.state).toBe("following");

    // The streaming variant answers with server-sent events.
    const ctrl = new AbortController();
    const res = await fetch(`${client.base}/api/v1/environments/${id}/stats/stream?window=30`, { headers: { authorization: `Bearer ${client.token}` }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    const deadline = Date.now() + 5000;
    while ((text.match(/event: stats/g) ?? []).length < 2 && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    expect((text.match(/event: stats/g) ?? []).length).toBeGreaterThanOrEqual(2);
    const first = JSON.parse(/event: stats\ndata: (.*)\n/.exec(text)![1]!) as Stats & { full: boolean };
    expect(first.full).toBe(true);
    expect(first.balancer.requests.total).toBe(settled.balancer.requests.total);

    const history = await client.call("GET", `/api/v1/environments/${id}/stats/history?hours=1`);
    expect(history.status).toBe(200);
    expect(await client.call("POST", `/api/v1/environments/${id}/traffic`, { requests: 6000 })).toMatchObject({ status: 422 });
  } finally {
    const del = await client.call("DELETE", `/api/v1/environments/${id}`);
    expect(del.status).toBe(202);
    await client.waitGone(id);
  }
}
