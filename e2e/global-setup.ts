import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../server/testing/app-server";
import { pebbleInstalled, preparePebble, startPebble } from "../server/https/pebble";
import { startApp } from "../server/testing/app-server";
import { sweepInstance } from "../server/testing/sweep";
import { E2E_ADMIN_PASSWORD, E2E_INSTANCE, E2E_SUBNET_POOL } from "./constants";

/** One real Phleet (scripts/serve.ts, its own SQLite database and instance label), swept before and after. */
export default async function globalSetup() {
  const swept = await sweepInstance(E2E_INSTANCE);
  if (swept.containers || swept.networks) console.log(`[e2e] removed ${swept.containers} containers, ${swept.networks} networks left by an earlier run`);
  const token = `e2e_${crypto.randomBytes(18).toString("hex")}`;
  // A local ACME CA for the Domains & HTTPS spec (validation skipped: the integration suite proves HTTP-01).
  const acmeDir = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-e2e-acme-"));
  const prepared = pebbleInstalled() ? await preparePebble(acmeDir) : null;
  const pebble = prepared ? await startPebble(acmeDir, prepared, await freePort(), { alwaysValid: true }) : null;
  const app = await startApp({
    PHLEET_INSTANCE: E2E_INSTANCE,
    PHLEET_SUBNET_POOL: E2E_SUBNET_POOL,
    PHLEET_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
    PHLEET_API_TOKEN: token,
    ...(prepared ? { PHLEET_ACME_DIRECTORY_URL: prepared.directoryUrl, PHLEET_ACME_CA_FILE: prepared.caFile } : {}),
  });
  console.log(`[e2e] Phleet at ${app.url} (build ${process.env.PHLEET_DIST_DIR}, log ${app.dataDir}/server.log)`);
  process.env.PHLEET_E2E_URL = app.url;
  // Only for asserting that no page ever carries it; tests do not use it.
  process.env.PHLEET_E2E_TOKEN = token;

  return async () => {
    await app.stop();
    await pebble?.stop();
    fs.rmSync(acmeDir, { recursive: true, force: true });
    await sweepInstance(E2E_INSTANCE);
  };
}
