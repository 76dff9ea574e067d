import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Environment } from "../contracts/environment";
import type { LogEntry, LogPage } from "../contracts/logs";
import { DockerRuntime } from "../runtime/docker/docker-runtime";
import { api, SessionClient } from "../testing/api-client";

/**
 * Issue 14's logs, against the real engine and real PHP: requests through the balancer reach the app
 * node's access log through the API within 2 s; a PHP warning shows in the PHP error log; follow
 * streams new lines and ends when the client goes; a stopped node's lines stay readable.
 */

const client = api();
const rt = new DockerRuntime();
let env: Environment;
const apps = () => env.nodes.filter((n) => n.role === "app");

const logsOf = async (scope: string, qs: string) => {
  const r = await client.call("GET", `/api/v1/environments/${env.id}/${scope}/logs?${qs}`);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json as LogPage;
};

/** Polls the logs API until a line matches; returns the lines and how long it took. */
async function waitForLine(scope: string, qs: string, match: (e: LogEntry) => boolean, timeoutMs = 2000) {
  const started = Date.now();
  for (;;) {
    const page = await logsOf(scope, qs);
    const hit = page.items.find(match);
    if (hit) return { hit, page, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`no matching line within ${timeoutMs} ms; last lines: ${page.items.slice(-5).map((e) => e.text).join(" | ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("node and layer logs", () => {
  beforeAll(async () => {
    const created = await client.create({ name: `logs-${Date.now().toString(36)}`, appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 1 } });
    expect(created.status).toBe(202);
    env = await client.waitSettled(created.json.id);
    expect(env.status, env.error ?? "").toBe("running");
    // A page that warns, in every app node (the test's own containers, through the engine's archive API).
    for (const n of apps()) await rt.writeFiles(n.containerId!, [{ path: "/var/www/html/warn.php", content: "<?php\necho $undefined_by_test ?? '';\n$x = [];\necho $x['missing_key_for_test'];\necho 'ok';\n", mode: 0o644 }]);
  });

  afterAll(async () => {
    if (env) {
      await client.call("DELETE", `/api/v1/environments/${env.id}`);
      await client.waitGone(env.id);
    }
  });

  it("a request through the balancer is in the serving node's access log within 2 s", async () => {
    const marker = `m${Date.now().toString(36)}`;
    const web = new SessionClient(env.url!);
    const r = await web.get(`/index.php?marker=${marker}`);
    expect(r.status).toBe(200);
    const sent = Date.now();
    // The layer view finds it whichever node served; the line carries its node and the engine's timestamp.
    const { hit, ms } = await waitForLine("layers/app", "source=access&tail=100", (e) => e.text.includes(marker), 2000);
    expect(Date.now() - sent).toBeLessThan(2000);
    console.log(`access log line visible through the API after ${ms} ms`);
    expect(hit.stream).toBe("stdout");
    expect(hit.t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    expect(apps().map((a) => a.id)).toContain(hit.node.id);
    // The node's own view has it too; the other app node's does not.
    const own = await logsOf(`nodes/${hit.node.id}`, "source=access&tail=100");
    expect(own.items.some((e) => e.text.includes(marker))).toBe(true);
    const other = apps().find((a) => a.id !== hit.node.id)!;
    expect((await logsOf(`nodes/${other.id}`, "source=access&tail=100")).items.some((e) => e.text.includes(marker))).toBe(false);
    // Text filter and download.
    const filtered = await logsOf(`nodes/${hit.node.id}`, `source=access&q=${marker}`);
    expect(filtered.items.length).toBeGreaterThan(0);
    expect(filtered.items.every((e) => e.text.includes(marker))).toBe(true);
    const dl = await fetch(`${client.base}/api/v1/environments/${env.id}/nodes/${hit.node.id}/logs?source=access&tail=50&format=text`, { headers: { authorization: `Bearer ${client.token}` } });
    expect(dl.headers.get("content-disposition")).toMatch(/attachment; filename=".*-access\.log"/);
    expect(await dl.text()).toContain(marker);
  });

  it("a PHP warning appears in the PHP error log source, not in the access log", async () => {
    const web = new SessionClient(env.url!);
    expect((await web.get("/warn.php")).status).toBe(200);
    const { hit } = await waitForLine("layers/app", "source=php&tail=50", (e) => e.text.includes("missing_key_for_test"), 5000);
    expect(hit.text).toMatch(/PHP Warning/);
    expect(hit.stream).toBe("stderr");
    const access = await logsOf("layers/app", "source=php&tail=200");
    expect(access.items.every((e) => /PHP|\[php:|phleet: /.test(e.text))).toBe(true);
    expect(access.sources.map((s) => s.id)).toEqual(["output", "access", "error", "php"]);
  });

  it("follow streams new lines as they come and ends when the client goes", async () => {
    const node = apps()[0]!;
    const ctl = new AbortController();
    const res = await fetch(`${client.base}/api/v1/environments/${env.id}/nodes/${node.id}/logs?source=access&tail=5&follow=true`, {
      headers: { authorization: `Bearer ${client.token}` },
      signal: ctl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = "";
    const events: { event: string; data: unknown }[] = [];
    const pump = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += dec.decode(value, { stream: true });
          let i: number;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
          }
        }
      } catch {
        /* aborted */
      }
    })();
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.event === "page") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(events[0]?.event).toBe("page");

    // Straight to the node through the engine, so the line lands in this node's log whatever the balancer picks.
    const marker = `f${Date.now().toString(36)}`;
    const sent = Date.now();
    const r = await rt.exec(node.containerId!, ["php", "-r", `file_get_contents("http://127.0.0.1/index.php?follow=${marker}");`]);
    expect(r.exitCode, r.stderr).toBe(0);
    while (!events.some((e) => e.event === "line" && (e.data as LogEntry).text.includes(marker)) && Date.now() - sent < 5000) await new Promise((r) => setTimeout(r, 50));
    const line = events.find((e) => e.event === "line" && (e.data as LogEntry).text.includes(marker));
    expect(line, `events: ${JSON.stringify(events.slice(-5))}`).toBeDefined();
    console.log(`followed line arrived ${Date.now() - sent} ms after the request`);

    const endedBefore = followEnds();
    ctl.abort();
    await pump;
    // The server stops following (it logs each end of a follow) once the client has gone.
    const until = Date.now() + 5000;
    while (followEnds() <= endedBefore && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(followEnds()).toBe(endedBefore + 1);
  });

  it("a stopped node's earlier lines are still readable, and survive its restart", async () => {
    const node = apps()[1]!;
    const marker = `s${Date.now().toString(36)}`;
    const r = await rt.exec(node.containerId!, ["php", "-r", `file_get_contents("http://127.0.0.1/index.php?stopped=${marker}");`]);
    expect(r.exitCode, r.stderr).toBe(0);
    await waitForLine(`nodes/${node.id}`, "source=access&tail=50", (e) => e.text.includes(marker), 2000);
    const stopped = await client.nodeAction(env.id, node.id, "stop");
    expect(stopped.status).toBe(200);
    expect(stopped.json.status).toBe("stopped");
    const page = await logsOf(`nodes/${node.id}`, "source=access&tail=50");
    expect(page.nodes[0]!.status).toBe("stopped");
    expect(page.items.some((e) => e.text.includes(marker))).toBe(true);
    // After a start, the same history is still there (the engine keeps a container's log across restarts).
    expect((await client.nodeAction(env.id, node.id, "start")).status).toBe(200);
    expect((await logsOf(`nodes/${node.id}`, "source=access&tail=50")).items.some((e) => e.text.includes(marker))).toBe(true);
  });

  it("refuses what it cannot serve with a 4xx that says why", async () => {
    const node = apps()[0]!;
    const bad = async (qs: string, status: number, re: RegExp) => {
      const r = await client.call("GET", `/api/v1/environments/${env.id}/nodes/${node.id}/logs?${qs}`);
      expect(r.status).toBe(status);
      expect((r.json as { error: { message: string } }).error.message).toMatch(re);
    };
    await bad("source=slow", 422, /Unknown log source 'slow'.*output, access, error, php/);
    await bad("tail=-1", 422, /tail/);
    await bad("since=yesterday", 422, /since/);
    await bad("follow=maybe", 422, /follow/);
    expect((await client.call("GET", `/api/v1/environments/${env.id}/nodes/nope/logs`)).status).toBe(404);
    expect((await client.call("GET", `/api/v1/environments/${env.id}/layers/nope/logs`)).status).toBe(404);
    const anon = await fetch(`${client.base}/api/v1/environments/${env.id}/nodes/${node.id}/logs`);
    expect(anon.status).toBe(401);
  });
});

function followEnds(): number {
  const file = path.join(inject("phleetDataDir"), "server.log");
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.includes("log follow ended")).length;
}
