import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Environment } from "../contracts/environment";
import { api } from "../testing/api-client";

/**
 * Issue 15, finding 8: a config check runs as the node's unprivileged user, so a file that includes a
 * root-only file is refused without the node's tool reading it (the shadow file's first line stayed out of
 * the 422 message). Files that are fine still pass their check as that user. Real nodes, real tools.
 */

let apacheEnv: Environment;
let nginxEnv: Environment;
const SHADOW_LINE = /root:[^\s"]*:\d+:/;

beforeAll(async () => {
  const client = api();
  const [a, n] = await Promise.all([
    client.create({ name: "it-chk-apache", appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 }, loadBalancer: { type: "nginx" } }),
    client.create({ name: "it-chk-nginx", appServer: { type: "nginx-php", count: 1 }, sessionStore: { type: "redis", count: 1 }, loadBalancer: { type: "nginx" } }),
  ]);
  [apacheEnv, nginxEnv] = await Promise.all([client.waitSettled(a.json.id), client.waitSettled(n.json.id)]);
  expect(apacheEnv.status, apacheEnv.error ?? "").toBe("running");
  expect(nginxEnv.status, nginxEnv.error ?? "").toBe("running");
});

afterAll(async () => {
  const client = api();
  for (const e of [apacheEnv, nginxEnv]) {
    if (!e) continue;
    await client.call("DELETE", `/api/v1/environments/${e.id}`);
    await client.waitGone(e.id).catch(() => undefined);
  }
});

type Edit = (current: string) => string;
const prepend = (line: string): Edit => (c) => `${line}\n${c}`;
const inServerBlock = (line: string): Edit => (c) => c.replace(/server\s*\{/, (m) => `${m}\n    ${line}`);
const unchanged: Edit = (c) => `${c}\n`;

describe("config checks cannot read root-only files", () => {
  test.each([
    ["apache site: Include /etc/shadow", "apache", "app", "/etc/apache2/sites-available/000-default.conf", prepend("Include /etc/shadow"), 422],
    ["nginx site: include /etc/shadow", "nginx", "app", "/etc/nginx/sites-available/default", inServerBlock("include /etc/shadow;"), 422],
    ["PHP-FPM pool: include=/etc/shadow", "nginx", "app", "/etc/php/8.2/fpm/pool.d/www.conf", (c) => `${c}\ninclude=/etc/shadow\n`, 422],
    ["balancer nginx.conf: include /etc/shadow", "nginx", "balancer", "/etc/nginx/nginx.conf", (c) => c.replace(/events\s*\{/, "include /etc/shadow;\nevents {"), 422],
    ["redis.conf: include /etc/shadow", "nginx", "session", "/etc/redis/redis.conf", (c) => `${c}\ninclude /etc/shadow\n`, 422],
    ["apache site unchanged still passes", "apache", "app", "/etc/apache2/sites-available/000-default.conf", unchanged, 200],
    ["nginx site unchanged still passes", "nginx", "app", "/etc/nginx/sites-available/default", unchanged, 200],
    ["PHP-FPM pool unchanged still passes", "nginx", "app", "/etc/php/8.2/fpm/pool.d/www.conf", unchanged, 200],
    ["balancer nginx.conf unchanged still passes", "nginx", "balancer", "/etc/nginx/nginx.conf", unchanged, 200],
    ["redis.conf unchanged still passes", "nginx", "session", "/etc/redis/redis.conf", unchanged, 200],
    ["memcached.conf unchanged still passes", "apache", "session", "/etc/memcached.conf", unchanged, 200],
  ])("%s", async (_label, which, role, path, edit, status) => {
    const env = which === "apache" ? apacheEnv : nginxEnv;
    const node = env.nodes.find((n) => n.role === role)!;
    const client = api();
    const url = `/api/v1/environments/${env.id}/nodes/${node.id}/files?path=${encodeURIComponent(path)}`;
    const current = await client.call("GET", url);
    expect(current.status).toBe(200);
    const content = (current.json as { content: string }).content;
    // apply "none": checked, swapped in and recorded; no reload or restart (not what this test is about).
    const r = await client.call("PUT", url, { content: edit(content), apply: "none" });
    expect(r.status, JSON.stringify(r.json).slice(0, 600)).toBe(status);
    expect(JSON.stringify(r.json)).not.toMatch(SHADOW_LINE);
    if (status === 422) expect(JSON.stringify(r.json)).toMatch(/shadow/);
  });
});
