import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment } from "../contracts/environment";
import { createEnv, deleteEnv } from "../config-files/test-helpers";
import { api } from "../testing/api-client";
import { startLoad } from "../testing/load";
import { demoVariant, tarGzOf } from "./testing/fixtures";
import { currentOf, deployRaw, getThroughBalancer, servedTargets, waitDeployment } from "./testing/scenario";

/**
 * Fault suite (issue 11): a deployment and then a rollback, each under bounded session load through the
 * balancer (127.0.0.1): 0 failed requests, 0 session resets, and afterwards every node serves the same release.
 */

const client = api();
let env: Environment;

beforeAll(async () => {
  env = await createEnv(client, "dep-load", "apache-php", "memcached");
});

afterAll(async () => {
  if (env) await deleteEnv(client, env.id);
});

describe("deployments under session load (apache-php x2 + memcached)", () => {
  it("deploys and rolls back with 0 failed requests and 0 session resets", async () => {
    const demo = await currentOf(client, env.id);

    for (const phase of ["deploy", "rollback"] as const) {
      const load = startLoad(env.url!, { sessions: 4, maxRequests: 4000, maxMs: 180_000, pauseMs: 10 });
      await new Promise((r) => setTimeout(r, 1500));
      const t0 = Date.now();
      let id: string;
      if (phase === "deploy") {
        const r = await deployRaw(client, env.id, tarGzOf(demoVariant("release-two")), "application/gzip", "?message=two");
        expect(r.status, JSON.stringify(r.json)).toBe(202);
        id = r.json.id;
      } else {
        const r = await client.call("POST", `/api/v1/environments/${env.id}/deployments/${demo.id}/activate`);
        expect(r.status, JSON.stringify(r.json)).toBe(202);
        id = demo.id;
      }
      const d = await waitDeployment(client, env.id, id);
      const ms = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 1500));
      const report = await load.stop();
      console.log(`[deploy-load] ${phase}: ${ms} ms; requests ${report.requests}, failed ${report.failed}, resets ${report.resets}, stale ${report.stale}, by node ${JSON.stringify(report.nodes)}`);
      expect(d.task?.status, JSON.stringify(d.task)).toBe("succeeded");
      expect(report.failures.slice(0, 5)).toEqual([]);
      expect(report.failed).toBe(0);
      expect(report.resets).toBe(0);
      expect(report.requests).toBeGreaterThan(20);
      expect(Object.keys(report.nodes)).toHaveLength(2);
      const targets = await servedTargets(env);
      expect(new Set(targets).size).toBe(1);
      expect(targets[0]).toBe(phase === "deploy" ? `/var/www/releases/${id}` : "/var/www/releases/demo");
      const marker = await getThroughBalancer(env, "/release.php", 2);
      for (const m of marker) expect(m.status).toBe(phase === "deploy" ? 200 : 404);
      if (phase === "deploy") for (const m of marker) expect(m.body).toBe("release-two");
    }
  });
});
