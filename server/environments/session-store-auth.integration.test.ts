import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Environment } from "../contracts/environment";
import { api, SessionClient } from "../testing/api-client";
import { execIn } from "../testing/docker-exec";

/**
 * Issue 15, finding 6: session stores are not open to every process. Redis needs a password (ACL user,
 * dangerous commands denied) that never shows in an API answer; memcached is reachable only from its own
 * environment's network. Real engine, real PHP (phpredis, fsockopen) in the app server containers.
 */

let redisEnv: Environment;
let memcachedEnv: Environment;
const appOf = (e: Environment) => e.nodes.find((n) => n.role === "app")!;
const storeOf = (e: Environment) => e.nodes.find((n) => n.role === "session")!;

beforeAll(async () => {
  const client = api();
  const [r, m] = await Promise.all([
    client.create({ name: "it-auth-redis", appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "redis", count: 1 }, loadBalancer: { type: "nginx" } }),
    client.create({ name: "it-auth-mc", appServer: { type: "nginx-php", count: 1 }, sessionStore: { type: "memcached", count: 1 }, loadBalancer: { type: "nginx" } }),
  ]);
  expect(r.status).toBe(202);
  expect(m.status).toBe(202);
  [redisEnv, memcachedEnv] = await Promise.all([client.waitSettled(r.json.id), client.waitSettled(m.json.id)]);
  expect(redisEnv.status, redisEnv.error ?? "").toBe("running");
  expect(memcachedEnv.status, memcachedEnv.error ?? "").toBe("running");
});

afterAll(async () => {
  const client = api();
  for (const e of [redisEnv, memcachedEnv]) {
    if (!e) continue;
    await client.call("DELETE", `/api/v1/environments/${e.id}`);
    await client.waitGone(e.id).catch(() => undefined);
  }
});

/** A PHP script in the app server: `new Redis()`, optional AUTH, one command; prints ok:<json> or refused:<error>. */
const REDIS_PHP = `
$r = new Redis();
try {
  $r->connect($argv[1], 6379, 2);
  if ($argv[2] !== "") { if (!$r->auth([$argv[2], $argv[3]])) { echo "refused:", $r->getLastError(); exit; } }
  $res = $r->rawCommand(...array_slice($argv, 4));
  if ($res === false && $r->getLastError()) { echo "refused:", $r->getLastError(); exit; }
  echo "ok:", json_encode($res);
} catch (Throwable $e) { echo "refused:", $e->getMessage(); }
`;

async function appPassword(): Promise<string> {
  const r = await execIn(appOf(redisEnv).containerId!, ["cat", "/etc/php/8.2/apache2/conf.d/91-phleet-session-auth.ini"], "root");
  const m = /auth\[\]=phleet&auth\[\]=([^&"]+)/.exec(r.output);
  if (!m) throw new Error(`no credentials in the app server's auth ini: ${r.output}`);
  return m[1]!;
}

describe("Redis needs a password, and the app's user cannot run dangerous commands", () => {
  test.each([
    ["no password, GET", "none", ["GET", "PHPREDIS_SESSION:x"], /^refused:.*NOAUTH/],
    ["no password, CONFIG GET", "none", ["CONFIG", "GET", "*"], /^refused:.*NOAUTH/],
    ["a wrong password", "wrong", ["GET", "PHPREDIS_SESSION:x"], /^refused:/],
    ["the default user with the right password", "default", ["GET", "PHPREDIS_SESSION:x"], /^refused:/],
    ["the app's user, CONFIG GET", "app", ["CONFIG", "GET", "*"], /^refused:.*NOPERM/],
    ["the app's user, CONFIG SET protected-mode", "app", ["CONFIG", "SET", "protected-mode", "no"], /^refused:.*NOPERM/],
    ["the app's user, FLUSHALL", "app", ["FLUSHALL"], /^refused:.*NOPERM/],
    ["the app's user, KEYS", "app", ["KEYS", "*"], /^refused:.*NOPERM/],
    ["the app's user, ACL LIST", "app", ["ACL", "LIST"], /^refused:.*NOPERM/],
    ["the app's user, a key outside sessions", "app", ["SET", "other", "1"], /^refused:.*NOPERM/],
    ["the app's user, a session key", "app", ["SET", "PHPREDIS_SESSION:probe", "1"], /^ok:/],
  ])("%s", async (_label, who, command, expected) => {
    const password = who === "none" ? "" : who === "wrong" ? "not-the-password" : await appPassword();
    const user = who === "none" ? "" : who === "default" ? "default" : "phleet";
    const r = await execIn(appOf(redisEnv).containerId!, ["php", "-r", REDIS_PHP, storeOf(redisEnv).ip, user, password, ...command]);
    expect(r.output.trim()).toMatch(expected);
  });

  test("sessions still work through the balancer with the password in save_path", async () => {
    const s = new SessionClient(redisEnv.url!);
    for (let i = 1; i <= 3; i++) {
      const r = await s.counter();
      expect(r.status, r.body).toBe(200);
      expect(r.reply!.visits).toBe(i);
    }
  });

  test("the password is in no API answer: the view masks it, the editable session ini does not carry it", async () => {
    const password = await appPassword();
    const client = api();
    const view = await client.call("GET", `/api/v1/environments/${redisEnv.id}`);
    expect((view.json as Environment).session.savePath).toContain("auth[]=phleet&auth[]=********");
    const answers = [
      view,
      await client.call("GET", "/api/v1/environments"),
      await client.call("GET", `/api/v1/environments/${redisEnv.id}/nodes/${appOf(redisEnv).id}/files`),
      await client.call("GET", `/api/v1/environments/${redisEnv.id}/nodes/${appOf(redisEnv).id}/files?path=${encodeURIComponent("/etc/php/8.2/apache2/conf.d/90-phleet-session.ini")}`),
      await client.call("GET", `/api/v1/environments/${redisEnv.id}/nodes/${storeOf(redisEnv).id}/files?path=${encodeURIComponent("/etc/redis/redis.conf")}`),
    ];
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(JSON.stringify(a.json)).not.toContain(password);
    }
    // The secret ini itself is not in the editor's catalog.
    const secretFile = await client.call("GET", `/api/v1/environments/${redisEnv.id}/nodes/${appOf(redisEnv).id}/files?path=${encodeURIComponent("/etc/php/8.2/apache2/conf.d/91-phleet-session-auth.ini")}`);
    expect(secretFile.status).toBeGreaterThanOrEqual(400);
    // ...and the app's PHP workers (www-data) cannot read it either.
    const asWorker = await execIn(appOf(redisEnv).containerId!, ["cat", "/etc/php/8.2/apache2/conf.d/91-phleet-session-auth.ini"]);
    expect(asWorker.exitCode).not.toBe(0);
  });
});

describe("memcached is reachable only from its own environment's network", () => {
  const PROBE = '$s = @fsockopen($argv[1], 11211, $no, $msg, 3); if (!$s) { echo "closed"; exit; } fwrite($s, "version\\r\\n"); echo "open:", fgets($s);';
  test.each([
    ["an app server of the same environment (the probe works)", "same", /^open:VERSION/],
    ["an app server of another environment", "other", /^closed/],
  ])("%s", async (_label, from, expected) => {
    const container = from === "same" ? appOf(memcachedEnv).containerId! : appOf(redisEnv).containerId!;
    const r = await execIn(container, ["php", "-r", PROBE, storeOf(memcachedEnv).ip]);
    expect(r.output.trim()).toMatch(expected);
  });
});
