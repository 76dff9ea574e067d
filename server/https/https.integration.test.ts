import Docker from "dockerode";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment, Task } from "../contracts/environment";
import type { Certificate } from "../contracts/https";
import { startApp, type TestApp } from "../testing/app-server";
import { subnetPoolOf, TLS_INSTANCE } from "../testing/instances";
import { preparePebble, startPebble, type Pebble } from "./pebble";
import { sweepInstance } from "../testing/sweep";
import { makeCertificate } from "./self-signed";

/**
 * Issue 13 against the real engine, real nginx, real PHP and a real ACME server (Debian's pebble): its own
 * control plane (pointed at pebble) and one environment (apache-php x2 + memcached). Requests go only to
 * 127.0.0.1 (the balancer's published ports, pebble and its DNS on loopback).
 */

const DOMAIN = "www.h13-shop.test";
const docker = new Docker();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-tls-"));
const token = "tls-test-token-0123456789abcdef";
let app: TestApp;
let pebble: Pebble | undefined;
let env: Environment;

async function call<T = never>(method: string, p: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await fetch(`${app.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: (text ? JSON.parse(text) : null) as T };
}

async function waitTask(taskId: string, timeoutMs = 180_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = (await call<Environment>("GET", `/api/v1/environments/${env.id}`)).json;
    if (e.task?.id === taskId && (e.task.status === "succeeded" || e.task.status === "failed")) return e.task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} not finished: ${JSON.stringify(e.task)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const httpsPort = () => Number(new URL(env.httpsUrl!).port);

/** The certificate the balancer serves for `servername`, and whether it verifies against `ca`. */
function served(servername: string, ca?: string): Promise<{ serial: string; authorized: boolean; error: string | null; alpn: string | false; names: string }> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port: httpsPort(), servername, ca, rejectUnauthorized: false, ALPNProtocols: ["h2", "http/1.1"] }, () => {
      const peer = s.getPeerCertificate();
      resolve({ serial: peer.serialNumber, authorized: s.authorized, error: s.authorizationError ? String(s.authorizationError) : null, alpn: s.alpnProtocol ?? false, names: peer.subjectaltname ?? "" });
      s.end();
    });
    s.setTimeout(10_000, () => s.destroy(new Error("TLS handshake timed out")));
    s.on("error", reject);
  });
}

/** An HTTPS request through the balancer as a browser for DOMAIN would send it (verified against `ca`). */
function httpsGet(p: string, ca: string, cookie?: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: "127.0.0.1", port: httpsPort(), path: p, servername: DOMAIN, ca, agent: false, timeout: 15_000, headers: { host: `${DOMAIN}:${httpsPort()}`, ...(cookie ? { cookie } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer")));
    req.on("error", reject);
    req.end();
  });
}

async function exec(containerId: string, cmd: string[]): Promise<void> {
  const e = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await e.start({ hijack: true, stdin: false });
  await new Promise((r) => stream.on("end", r).resume());
}

beforeAll(async () => {
  await sweepInstance(TLS_INSTANCE);
  const prepared = await preparePebble(dir);
  app = await startApp({
    PHLEET_INSTANCE: TLS_INSTANCE,
    PHLEET_API_TOKEN: token,
    PHLEET_SUBNET_POOL: subnetPoolOf(TLS_INSTANCE),
    PHLEET_ACME_DIRECTORY_URL: prepared.directoryUrl,
    PHLEET_ACME_CA_FILE: prepared.caFile,
    // Automatic renewal looks every 2 s and retries a failed order after 3 s (then 6, 12...), so the test sees it.
    PHLEET_ACME_CHECK_INTERVAL_MS: "2000",
    PHLEET_ACME_RETRY_MS: "3000",
  });
  const created = await call<Environment>("POST", "/api/v1/environments", { name: "it-tls", appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 1 } });
  expect(created.status, JSON.stringify(created.json)).toBe(202);
  const deadline = Date.now() + 240_000;
  do {
    await new Promise((r) => setTimeout(r, 1000));
    env = (await call<Environment>("GET", `/api/v1/environments/${created.json.id}`)).json;
  } while (env.status === "creating" && Date.now() < deadline);
  expect(env.status, `${env.error} ${JSON.stringify(env.task?.steps)}`).toBe("running");
  expect(env.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  // Pebble validates HTTP-01 on the balancer's published HTTP port; its DNS says every name is 127.0.0.1.
  pebble = await startPebble(dir, prepared, Number(new URL(env.url!).port));
});

afterAll(async () => {
  if (env?.id && app) {
    await call("DELETE", `/api/v1/environments/${env.id}`);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await call("GET", `/api/v1/environments/${env.id}`)).status !== 404) await new Promise((r) => setTimeout(r, 1000));
  }
  await pebble?.stop();
  await app?.stop();
  await sweepInstance(TLS_INSTANCE);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("Domains and HTTPS on the balancer", () => {
  it("serves HTTPS (HTTP/2) from the start with a self-signed certificate", async () => {
    const cert = (await call<Certificate>("GET", `/api/v1/environments/${env.id}/certificate`)).json;
    expect(cert.available).toBe(true);
    expect(cert.source).toBe("self-signed");
    const s = await served("anything.test");
    expect(s.serial.toLowerCase()).toBe(cert.serial!.toLowerCase());
    expect(s.alpn).toBe("h2");
    expect(JSON.stringify(cert)).not.toMatch(/PRIVATE KEY/);
  });

  it("ACME: a domain mapped to 127.0.0.1 gets a certificate through HTTP-01 that verifies against pebble's CA; forced renewal replaces it", async () => {
    const put = await call<{ domains: string[] }>("PUT", `/api/v1/environments/${env.id}/domains`, { domains: [DOMAIN.toUpperCase()] });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect(put.json.domains).toEqual([DOMAIN]);

    const t0 = Date.now();
    const on = await call<Certificate>("PUT", `/api/v1/environments/${env.id}/certificate`, { acme: true });
    expect(on.status, JSON.stringify(on.json)).toBe(202);
    const task = await waitTask(on.json.taskId!);
    expect(task.status, JSON.stringify(task)).toBe("succeeded");
    console.log(`[tls] ACME issuance through pebble (HTTP-01 on the balancer): ${Date.now() - t0} ms`);

    const cert = (await call<Certificate>("GET", `/api/v1/environments/${env.id}/certificate`)).json;
    expect(cert.source).toBe("acme");
    expect(cert.names).toContain(DOMAIN);
    expect(cert.issuer).toMatch(/Pebble/i);
    expect(cert.renewal.state).toBe("idle");
    expect(cert.renewal.nextAttemptAt).not.toBeNull();

    const root = await pebble!.issuingRoot();
    const s = await served(DOMAIN, root);
    expect(s.error).toBeNull();
    expect(s.authorized).toBe(true);
    expect(s.names).toContain(`DNS:${DOMAIN}`);
    expect(s.serial.toLowerCase()).toBe(cert.serial!.toLowerCase());
    const page = await httpsGet("/health.php", root);
    expect(page.status).toBe(200);

    const renewed = await call<Certificate>("POST", `/api/v1/environments/${env.id}/certificate/renew`);
    expect(renewed.status).toBe(202);
    expect((await waitTask(renewed.json.taskId!)).status).toBe("succeeded");
    const after = (await call<Certificate>("GET", `/api/v1/environments/${env.id}/certificate`)).json;
    expect(after.serial).not.toBe(cert.serial);
    expect(after.renewal.lastRenewedAt! >= cert.renewal.lastRenewedAt!).toBe(true);
    const s2 = await served(DOMAIN, root);
    expect(s2.authorized).toBe(true);
    expect(s2.serial.toLowerCase()).toBe(after.serial!.toLowerCase());
  });

  it("an ACME failure leaves the previous certificate in place, records the CA's message, and is retried automatically", async () => {
    const before = (await call<Certificate>("GET", `/api/v1/environments/${env.id}/certificate`)).json;
    const bad = "bad.h13-shop.test";
    await pebble!.mapHost(bad, "127.0.0.2"); // nothing listens there: the CA's validation fails
    const put = await call("PUT", `/api/v1/environments/${env.id}/domains`, { domains: [DOMAIN, bad] });
    expect(put.status).toBe(200);
    const pending = (await call<Environment>("GET", `/api/v1/environments/${env.id}`)).json;
    expect(pending.task?.kind).toBe("certificate.acme");
    const task = await waitTask(pending.task!.id);
    expect(task.status).toBe("failed");
    const cert = (await call<Certificate>("GET", `/api/v1/environments/${env.id}/certificate`)).json;
    expect(cert.renewal.state).toBe("failed");
    expect(cert.renewal.error).toMatch(/127\.0\.0\.2|connection refused|bad\.h13-shop\.test/i);
    expect(cert.renewal.attempts).toBeGreaterThanOrEqual(1);
    expect(cert.renewal.nextAttemptAt).not.toBeNull();
    expect(cert.serial).toBe(before.serial);
    expect(cert.warning).toMatch(/does not cover bad\.h13-shop\.test/);
    expect((await served(DOMAIN)).serial.toLowerCase()).toBe(before.serial!.toLowerCase());
    console.log(`[tls] ACME failure recorded: ${cert.renewal.error}`);

    // The name now resolves to the balancer: the background renewal retries after its back-off, unasked.
    const t0 = Date.now();
    await pebble!.mapHost(bad, "127.0.0.1");
    let fixed: Certificate | undefined;
    const deadline = Date.now() + 90_000;
    do {
      await new Promise((r) => setTimeout(r, 1000));
      fixed = (await call<Certificate>("GET", `/api/v1/environments/${env.id}/certificate`)).json;
    } while (!(fixed.renewal.state === "idle" && fixed.names.includes(bad)) && Date.now() < deadline);
    expect(fixed.renewal.state, JSON.stringify(fixed.renewal)).toBe("idle");
    expect(fixed.names).toEqual(expect.arrayContaining([DOMAIN, bad]));
    expect(fixed.renewal.attempts).toBe(0);
    expect(fixed.warning).toBeNull();
    expect((await served(bad, await pebble!.issuingRoot())).authorized).toBe(true);
    console.log(`[tls] automatic retry after the failure succeeded ${Date.now() - t0} ms after the DNS fix`);
  });

  it("uploaded certificate: a good one is served; each bad input is refused and the served certificate is unchanged", async () => {
    expect((await call("PUT", `/api/v1/environments/${env.id}/domains`, { domains: [DOMAIN] })).status).toBe(200);
    // Wait out the ACME order a domain change starts on an ACME certificate, so the upload does not meet a busy lock.
    const e = (await call<Environment>("GET", `/api/v1/environments/${env.id}`)).json;
    if (e.task?.kind === "certificate.acme") await waitTask(e.task.id);

    const ca = await makeCertificate({ names: [], commonName: "Phleet upload test CA", isCa: true });
    const good = await makeCertificate({ names: [DOMAIN], issuer: ca });
    const r = await call<Certificate>("PUT", `/api/v1/environments/${env.id}/certificate`, { certificate: good.cert + ca.cert, key: good.key });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.source).toBe("uploaded");
    expect(r.json.acme).toBe(false);
    const s = await served(DOMAIN, ca.cert);
    expect(s.authorized).toBe(true);
    const servedSerial = s.serial;

    const DAY = 86_400_000;
    const other = await makeCertificate({ names: [DOMAIN], issuer: ca });
    const expired = await makeCertificate({ names: [DOMAIN], issuer: ca, notBefore: new Date(Date.now() - 90 * DAY), notAfter: new Date(Date.now() - DAY) });
    const future = await makeCertificate({ names: [DOMAIN], issuer: ca, notBefore: new Date(Date.now() + 5 * DAY), notAfter: new Date(Date.now() + 90 * DAY) });
    const elsewhere = await makeCertificate({ names: ["shop.elsewhere.test"], issuer: ca });
    const cases: [string, unknown, RegExp][] = [
      ["garbage PEM", { certificate: "not a certificate", key: good.key }, /No PEM certificate/],
      ["a key that does not match", { certificate: good.cert + ca.cert, key: other.key }, /does not match/],
      ["an expired certificate", { certificate: expired.cert + ca.cert, key: expired.key }, /expired/],
      ["a not-yet-valid certificate", { certificate: future.cert + ca.cert, key: future.key }, /not valid yet/],
      ["names it does not cover", { certificate: elsewhere.cert + ca.cert, key: elsewhere.key }, /does not cover www\.h13-shop\.test/],
      ["a chain in the wrong order", { certificate: ca.cert + good.cert, key: good.key }, /does not match|not issued by/],
    ];
    for (const [what, body, message] of cases) {
      const bad = await call<{ error: { code: string; message: string } }>("PUT", `/api/v1/environments/${env.id}/certificate`, body);
      expect(bad.status, what).toBe(422);
      expect(bad.json.error.code, what).toBe("invalid_certificate");
      expect(bad.json.error.message, what).toMatch(message);
      expect((await served(DOMAIN)).serial, what).toBe(servedSerial);
    }
    expect((await call("PUT", `/api/v1/environments/${env.id}/certificate`, { certificate: good.cert })).status).toBe(422);

    // A domain already used by another environment: 409 on the other one, nothing changes anywhere.
    const second = await call<Environment>("POST", "/api/v1/environments", { name: "it-tls-2", appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 } });
    expect(second.status).toBe(202);
    const taken = await call<{ error: { code: string; message: string } }>("PUT", `/api/v1/environments/${second.json.id}/domains`, { domains: ["new.h13-shop.test", DOMAIN] });
    expect(taken.status).toBe(409);
    expect(taken.json.error.message).toContain(`${DOMAIN} (it-tls)`);
    expect((await call<{ domains: string[] }>("GET", `/api/v1/environments/${second.json.id}/domains`)).json.domains).toEqual([]);
    expect((await call<{ domains: string[] }>("GET", `/api/v1/environments/${env.id}/domains`)).json.domains).toEqual([DOMAIN]);
    await call("DELETE", `/api/v1/environments/${second.json.id}`);
    expect((await call("PUT", `/api/v1/environments/${env.id}/domains`, { domains: ["*.h13-shop.test"] })).status).toBe(422);

    // Keys are stored encrypted: no PEM key in the database files, none in any answer.
    for (const f of fs.readdirSync(app.dataDir).filter((n) => n.startsWith("phleet.db"))) {
      expect(fs.readFileSync(path.join(app.dataDir, f)).includes("PRIVATE KEY"), f).toBe(false);
    }
    expect(fs.statSync(path.join(app.dataDir, "phleet-secret.key")).mode & 0o777).toBe(0o600);
  });

  it("forced HTTPS: HTTP redirects, HSTS is sent, PHP sees HTTPS, and a Secure session survives app server failover", async () => {
    const ca = await makeCertificate({ names: [], commonName: "Phleet failover test CA", isCa: true });
    const leaf = await makeCertificate({ names: [DOMAIN], issuer: ca });
    expect((await call("PUT", `/api/v1/environments/${env.id}/certificate`, { certificate: leaf.cert + ca.cert, key: leaf.key })).status).toBe(200);
    const on = await call<Certificate>("PUT", `/api/v1/environments/${env.id}/https`, { forceHttps: true, hsts: true });
    expect(on.status, JSON.stringify(on.json)).toBe(200);
    expect(on.json.options).toEqual({ forceHttps: true, hsts: true });

    const plain = await fetch(`${env.url}/counter.php`, { redirect: "manual" });
    expect(plain.status).toBe(301);
    expect(plain.headers.get("location")).toBe(`https://127.0.0.1:${httpsPort()}/counter.php`);

    // A probe page written into the app servers (containers this test created) shows what PHP sees.
    const e = (await call<Environment>("GET", `/api/v1/environments/${env.id}`)).json;
    const apps = e.nodes.filter((n) => n.role === "app");
    for (const a of apps) {
      await exec(a.containerId!, ["sh", "-c", `printf '%s' '<?php echo json_encode(["https" => $_SERVER["HTTPS"] ?? null, "xff" => $_SERVER["HTTP_X_FORWARDED_FOR"] ?? null]);' > /var/www/html/h13-scheme.php`]);
    }
    const probe = await httpsGet("/h13-scheme.php", ca.cert);
    const seen = JSON.parse(probe.body) as { https: string | null; xff: string | null };
    expect(seen.https).toBe("on");
    expect(seen.xff).toMatch(/^\d+\.\d+\.\d+\.\d+$/); // the client address as the balancer saw it

    const first = await httpsGet("/counter.php", ca.cert);
    expect(first.status).toBe(200);
    expect(first.headers["strict-transport-security"]).toMatch(/max-age=/);
    const setCookie = ([] as string[]).concat(first.headers["set-cookie"] ?? []).find((c) => c.startsWith("PHPSESSID="));
    expect(setCookie, JSON.stringify(first.headers)).toBeDefined();
    expect(setCookie).toMatch(/;\s*secure/i);
    const cookie = setCookie!.split(";")[0]!;
    const a = JSON.parse(first.body) as { node: string; visits: number };
    const second = JSON.parse((await httpsGet("/counter.php", ca.cert, cookie)).body) as { node: string; visits: number };
    expect(second.visits).toBe(a.visits + 1);

    // Stop the app server that served the last request: the session continues on the other one, over HTTPS.
    const victim = apps.find((n) => n.hostname === second.node) ?? apps[0]!;
    expect((await call("POST", `/api/v1/environments/${env.id}/nodes/${victim.id}/stop`)).status).toBe(200);
    try {
      const t0 = Date.now();
      const third = await httpsGet("/counter.php", ca.cert, cookie);
      expect(third.status).toBe(200);
      const r3 = JSON.parse(third.body) as { node: string; visits: number };
      expect(r3.node).not.toBe(victim.hostname);
      expect(r3.visits).toBe(second.visits + 1);
      console.log(`[tls] first HTTPS request after stopping ${victim.hostname}: ${Date.now() - t0} ms on ${r3.node}, session kept`);
    } finally {
      await call("POST", `/api/v1/environments/${env.id}/nodes/${victim.id}/start`);
    }
  });
});
