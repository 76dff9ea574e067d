import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvalidConfigDetails } from "../contracts/config-files";
import type { Environment } from "../contracts/environment";
import { api, SessionClient } from "../testing/api-client";
import { catFile, createEnv, deleteEnv, docker, files, q, startedAt, waitTask } from "./test-helpers";

/**
 * Issue 4 against the real engine and PHP (apache-php x2 + memcached): catalog-only access, a
 * refused php.ini that changes nothing, and session.name = PHLEETSID saved layer-wide with a rolling
 * restart under session load that must not fail a single request.
 */

const PHP_INI = "/etc/php/8.2/apache2/php.ini";
const client = api();
let env: Environment;
let layer: ReturnType<typeof files>;
let base: string;

beforeAll(async () => {
  env = await createEnv(client, "cfg-apache", "apache-php", "memcached");
  base = `/api/v1/environments/${env.id}/layers/app`;
  layer = files(client, base);
});

afterAll(async () => {
  if (env) await deleteEnv(client, env.id);
});

describe("config editor on apache-php", () => {
  it("lists the layer's files as a tree and reads php.ini from the node", async () => {
    const list = await layer.list();
    expect(list.status).toBe(200);
    const items = (list.json as { items: { path: string; tree: string[]; language: string }[] }).items;
    expect(items.map((i) => i.path)).toContain(PHP_INI);
    expect(items.find((i) => i.path === PHP_INI)).toMatchObject({ tree: ["etc", "php"], language: "ini" });
    const file = await layer.read(PHP_INI);
    expect(file.status).toBe(200);
    expect(file.json.content).toMatch(/^session\.name = PHPSESSID$/m);
    expect(file.json.scope.hostnames).toHaveLength(2);
    expect(file.json.differs).toEqual([]);
  });

  it("refuses traversal (400) and paths outside the catalog (404), reading nothing", async () => {
    const app = env.nodes.find((n) => n.role === "app")!;
    const nodeBase = `/api/v1/environments/${env.id}/nodes/${app.id}`;
    for (const bad of ["../../etc/passwd", "/etc/php/8.2/apache2/../../../etc/passwd", "/etc//passwd", "etc/passwd", "/etc/passwd\u0000"]) {
      for (const b of [base, nodeBase]) {
        const r = await client.call("GET", `${b}/files${q(bad)}`);
        expect(r.status, `${b} ${JSON.stringify(bad)}`).toBe(400);
        expect(JSON.stringify(r.json)).not.toContain("root:x:0:0");
      }
    }
    for (const outside of ["/etc/passwd", "/etc/shadow", "/etc/php/8.2/fpm/php.ini", "/proc/self/environ"]) {
      const r = await client.call("GET", `${nodeBase}/files${q(outside)}`);
      expect(r.status, outside).toBe(404);
      expect(JSON.stringify(r.json)).not.toContain("root:x:0:0");
      const w = await client.call("PUT", `${nodeBase}/files${q(outside)}`, { content: "x" });
      expect(w.status, outside).toBe(404);
    }
    expect((await client.call("GET", `${nodeBase}/files/revisions${q("/etc/passwd")}`)).status).toBe(404);
    expect((await client.call("POST", `${nodeBase}/files/rollback`, { path: "../x", revisionId: "r" })).status).toBe(400);
    // The upstream is shown but managed by Phleet; unknown layers do not exist.
    expect((await client.call("GET", `/api/v1/environments/${env.id}/layers/nope/files`)).status).toBe(404);
  });

  it("refuses a php.ini with a syntax error with php's message and line; nothing changes and nothing restarts", async () => {
    const file = await layer.read(PHP_INI);
    const apps = env.nodes.filter((n) => n.role === "app");
    const startedBefore = await Promise.all(apps.map((a) => startedAt(a.containerId!)));
    const broken = file.json.content.replace(/^session\.name = PHPSESSID$/m, "session.name = (PHLEETSID");
    const lineNo = broken.split("\n").findIndex((l) => l.startsWith("session.name = (")) + 1;
    const r = await layer.save(PHP_INI, { content: broken, apply: "restart" });
    expect(r.status).toBe(422);
    expect(r.json.error?.code).toBe("invalid_config");
    expect(r.json.error?.message).toMatch(/syntax error/);
    expect(r.json.error?.message).toContain(PHP_INI);
    // php stops at the end of the edited line and reports the next one; the error names the edited line.
    const details = r.json.error?.details as (InvalidConfigDetails | undefined);
    expect(details?.toolLine).toBe(lineNo + 1);
    expect(details?.line).toBe(lineNo);
    expect(r.json.error?.message).toContain(`at line ${lineNo}, the line you edited (php stopped at line ${lineNo + 1})`);
    // Checked on every node of the layer, and every one that refused it is named.
    expect(details?.hostnames).toEqual(apps.map((a) => a.hostname));
    expect(r.json.error?.message).toContain(`on all 2 nodes (${apps[0]!.hostname} and ${apps[1]!.hostname})`);
    // An unclosed quote: php reads on to the end of the file, the error still points at the edit.
    const quoted = file.json.content.replace(/^session\.name = PHPSESSID$/m, 'session.name = "PHLEETSID');
    const q2 = await layer.save(PHP_INI, { content: quoted, apply: "none" });
    expect(q2.status).toBe(422);
    const d2 = q2.json.error?.details as (InvalidConfigDetails | undefined);
    expect(d2?.line).toBe(lineNo);
    expect(d2?.toolLine).toBeGreaterThan(lineNo + 1);
    for (const [i, a] of apps.entries()) {
      expect(await catFile(a.containerId!, PHP_INI)).toBe(file.json.content);
      expect(await startedAt(a.containerId!)).toBe(startedBefore[i]);
    }
    expect((await layer.revisions(PHP_INI)).json.items).toEqual([]);
  });

  it("sets session.name = PHLEETSID layer-wide and restarts app servers one at a time without a failed request", async () => {
    const file = await layer.read(PHP_INI);
    const content = file.json.content.replace(/^session\.name = PHPSESSID$/m, "session.name = PHLEETSID");
    const apps = env.nodes.filter((n) => n.role === "app");
    const startedBefore = await Promise.all(apps.map((a) => startedAt(a.containerId!)));

    // Session load on the environment URL (127.0.0.1), bounded in count and time.
    const MAX_REQUESTS = 3000;
    const MAX_MS = 240_000;
    let stop = false;
    let sent = 0;
    const failures: string[] = [];
    const began = Date.now();
    const worker = async () => {
      const s = new SessionClient(env.url!);
      while (!stop && sent < MAX_REQUESTS && Date.now() - began < MAX_MS) {
        sent++;
        try {
          const r = await s.counter();
          if (r.status !== 200 || !r.reply?.node) failures.push(`${r.status} ${r.body.slice(0, 120)}`);
        } catch (err) {
          failures.push(String(err));
        }
        await new Promise((res) => setTimeout(res, 20));
      }
    };
    const load = Promise.all([worker(), worker(), worker(), worker()]);
    await new Promise((r) => setTimeout(r, 1000));

    const t0 = Date.now();
    const saved = await layer.save(PHP_INI, { content, baseSha256: file.json.sha256, message: "session cookie name", apply: "restart", healthTimeoutMs: 90_000 });
    expect(saved.status, JSON.stringify(saved.json)).toBe(202);
    expect(saved.json.revision?.author).toBe("api");
    expect(saved.json.revision?.layer).toBe("app");
    expect(saved.json.task?.steps.map((s) => s.key)).toEqual([...apps.map((a) => `restart-${a.id}`), "rollback"]);
    const task = await waitTask(client, env.id, saved.json.task!.id);
    const rollingMs = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await load;
    console.log(`[cfg] rolling restart of ${apps.length} apache-php nodes: ${rollingMs} ms; session GETs sent during it: ${sent}, failed: ${failures.length}`);

    if (failures.length) await dumpFailures(env, began);
    expect(task.status, JSON.stringify(task)).toBe("succeeded");
    expect(task.steps.find((s) => s.key === "rollback")?.status).toBe("skipped");
    expect(failures, failures.slice(0, 5).join("\n")).toEqual([]);
    expect(sent).toBeGreaterThan(20);
    for (const [i, a] of apps.entries()) {
      expect(await startedAt(a.containerId!)).not.toBe(startedBefore[i]);
      expect(await catFile(a.containerId!, PHP_INI)).toBe(content);
    }

    // The balancer now answers with the new cookie name; a session still counts across nodes.
    const fresh = new SessionClient(env.url!);
    const served = new Set<string>();
    for (let i = 1; i <= 6; i++) {
      const r = await fresh.counter();
      expect(r.status, r.body).toBe(200);
      expect(r.reply!.visits).toBe(i);
      served.add(r.reply!.node);
    }
    expect(fresh.cookieNames()).toContain("PHLEETSID");
    expect(fresh.cookieNames()).not.toContain("PHPSESSID");
    expect(served.size).toBe(2);

    // History: the original, then the change; rollback to the original works and is recorded.
    const history = (await layer.revisions(PHP_INI)).json.items;
    expect(history.map((h) => h.author)).toEqual(["api", "phleet"]);
    expect(history[1]!.content).toBe(file.json.content);
    const back = await layer.rollback({ path: PHP_INI, revisionId: history[1]!.id, apply: "reload" });
    expect(back.status, JSON.stringify(back.json)).toBe(200);
    expect(back.json.file.content).toBe(file.json.content);
    const after = new SessionClient(env.url!);
    expect((await after.counter()).status).toBe(200);
    expect(after.cookieNames()).toContain("PHPSESSID");
    expect((await layer.revisions(PHP_INI)).json.items).toHaveLength(3);
  });

  it("marks both app nodes Restart needed for a php.ini saved without applying, until what they run is the saved file again", async () => {
    const pending = async () =>
      Object.fromEntries((await client.get(env.id)).json.nodes.map((n) => [n.hostname, n.pendingRestart.includes(PHP_INI)]));
    const appsPending = (yes: boolean) => Object.fromEntries(env.nodes.map((n) => [n.hostname, yes && n.role === "app"]));
    const file = await layer.read(PHP_INI);
    expect(Object.values(await pending()).some(Boolean)).toBe(false);

    const saved = await layer.save(PHP_INI, { content: `${file.json.content}; saved, not applied\n`, apply: "none", message: "not applied" });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    expect(await pending()).toEqual(appsPending(true));

    // A rollback to what the nodes run, saved without applying: nothing is pending any more.
    const history = (await layer.revisions(PHP_INI)).json.items;
    const back = await layer.rollback({ path: PHP_INI, revisionId: history[1]!.id, apply: "none" });
    expect(back.status, JSON.stringify(back.json)).toBe(200);
    expect(back.json.file.content).toBe(file.json.content);
    expect(await pending()).toEqual(appsPending(false));

    // The same change, reloaded into both nodes: applied, so not pending.
    const reloaded = await layer.save(PHP_INI, { content: `${file.json.content}; reloaded\n`, apply: "reload" });
    expect(reloaded.status, JSON.stringify(reloaded.json)).toBe(200);
    expect(await pending()).toEqual(appsPending(false));
  });
});

/** On a failure: the balancer's log lines that were not 200, and each app server's log, since the load began. */
async function dumpFailures(env: Environment, since: number) {
  for (const n of env.nodes.filter((x) => x.role !== "session")) {
    const raw = (await docker.getContainer(n.containerId!).logs({ stdout: true, stderr: true, since: Math.floor(since / 1000) - 1, timestamps: true })) as unknown as Buffer;
    const lines = raw.toString("utf8").split("\n").filter((l) => (n.role === "balancer" ? !/"status":200[,}]/.test(l) : !/GET \/counter\.php HTTP\/1\.1" 200/.test(l)));
    console.log(`--- ${n.hostname} (${lines.length} lines)\n${lines.slice(0, 40).join("\n")}`);
  }
}
