import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { makeCertificate } from "./self-signed";
import { freePort } from "../testing/app-server";
import { until } from "../testing/load";

/**
 * A local ACME CA for tests: Debian's pebble (Let's Encrypt's RFC 8555 test server) with its mock DNS
 * (pebble-challtestsrv) answering every name with 127.0.0.1, both on loopback only. Pebble validates
 * HTTP-01 on `httpPort`, so it is started once the balancer's published port is known.
 */

export interface Pebble {
  directoryUrl: string;
  caFile: string;
  /** The root that signs the certificates pebble issues (random per start). */
  issuingRoot(): Promise<string>;
  /** Makes the mock DNS answer `host` with `ip` (to make a validation fail). */
  mapHost(host: string, ip: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PebblePorts {
  acme: number;
  management: number;
  dns: number;
  dnsManagement: number;
}

export function pebbleInstalled(): boolean {
  return spawnSync("sh", ["-c", "command -v pebble && command -v pebble-challtestsrv"]).status === 0;
}

/** Ports and the TLS material of pebble's own listener, known before pebble runs (the app needs the URL at start). */
export async function preparePebble(dir: string): Promise<{ ports: PebblePorts; directoryUrl: string; caFile: string }> {
  const ports = { acme: await freePort(), management: await freePort(), dns: await freePort(), dnsManagement: await freePort() };
  const ca = await makeCertificate({ names: [], commonName: "Phleet test: pebble listener CA", isCa: true });
  const leaf = await makeCertificate({ names: ["127.0.0.1", "localhost"], issuer: ca });
  fs.writeFileSync(path.join(dir, "pebble-ca.pem"), ca.cert);
  fs.writeFileSync(path.join(dir, "pebble-cert.pem"), leaf.cert);
  fs.writeFileSync(path.join(dir, "pebble-key.pem"), leaf.key, { mode: 0o600 });
  return { ports, directoryUrl: `https://127.0.0.1:${ports.acme}/dir`, caFile: path.join(dir, "pebble-ca.pem") };
}

function get(url: string, ca: string, method = "GET", body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("timeout", () => req.destroy(new Error(`${url}: no answer`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** `alwaysValid`: pebble skips challenge validation (PEBBLE_VA_ALWAYS_VALID), for UI tests that do not need it. */
export async function startPebble(dir: string, prepared: Awaited<ReturnType<typeof preparePebble>>, httpPort: number, opts: { alwaysValid?: boolean } = {}): Promise<Pebble> {
  const { ports, caFile } = prepared;
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${ports.acme}`,
      managementListenAddress: `127.0.0.1:${ports.management}`,
      certificate: path.join(dir, "pebble-cert.pem"),
      privateKey: path.join(dir, "pebble-key.pem"),
      httpPort,
      tlsPort: await freePort(),
      ocspResponderURL: "",
      externalAccountBindingRequired: false,
    },
  };
  fs.writeFileSync(path.join(dir, "pebble-config.json"), JSON.stringify(config, null, 2));
  const log = fs.openSync(path.join(dir, "pebble.log"), "a");
  const procs: ChildProcess[] = [];
  procs.push(
    spawn(
      "pebble-challtestsrv",
      ["-dns01", `127.0.0.1:${ports.dns}`, "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", `127.0.0.1:${ports.dnsManagement}`, "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""],
      { stdio: ["ignore", log, log] },
    ),
  );
  procs.push(
    spawn("pebble", ["-config", path.join(dir, "pebble-config.json"), "-dnsserver", `127.0.0.1:${ports.dns}`], {
      stdio: ["ignore", log, log],
      // No random validation delays and no injected bad nonces: the test measures Phleet, not pebble's chaos.
      env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0", ...(opts.alwaysValid ? { PEBBLE_VA_ALWAYS_VALID: "1" } : {}) },
    }),
  );
  const ca = fs.readFileSync(caFile, "utf8");
  const stop = async () => {
    for (const p of procs) if (p.exitCode === null) p.kill("SIGTERM");
  };
  try {
    await until("pebble answers its directory", async () => (await get(prepared.directoryUrl, ca).catch(() => ({ status: 0 }))).status === 200, 30_000, 200);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}; log: ${fs.readFileSync(path.join(dir, "pebble.log"), "utf8").slice(-2000)}`);
  }
  return {
    directoryUrl: prepared.directoryUrl,
    caFile,
    async issuingRoot() {
      const r = await get(`https://127.0.0.1:${ports.management}/roots/0`, ca);
      if (r.status !== 200) throw new Error(`pebble roots: ${r.status}`);
      return r.body;
    },
    async mapHost(host, ip) {
      // add-a adds to what the host had: clear it first so the new address is the only answer.
      await fetch(`http://127.0.0.1:${ports.dnsManagement}/clear-a`, { method: "POST", body: JSON.stringify({ host }) });
      const r = await fetch(`http://127.0.0.1:${ports.dnsManagement}/add-a`, { method: "POST", body: JSON.stringify({ host, addresses: [ip] }) });
      if (!r.ok) throw new Error(`challtestsrv add-a: ${r.status}`);
    },
    stop,
  };
}
