import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startApp, type TestApp } from "./app-server";
import { INTEGRATION_INSTANCE, subnetPoolOf } from "./instances";
import { sweepInstance } from "./sweep";

/** One real Phleet server for the integration run, on its own instance label, swept before and after. */

declare module "vitest" {
  export interface ProvidedContext {
    phleetUrl: string;
    phleetToken: string;
    phleetInstance: string;
    /** The control plane's data folder (its SQLite file, kept database dumps). */
    phleetDataDir: string;
  }
}

// PHLEET_TEST_INSTANCE lets two checkouts run integration tests on one engine without sweeping each other's containers.
export const TEST_INSTANCE = INTEGRATION_INSTANCE;
const SUBNET_POOL = subnetPoolOf(TEST_INSTANCE);
let app: TestApp | undefined;

export async function setup(project: TestProject) {
  const swept = await sweepInstance(TEST_INSTANCE);
  if (swept.containers || swept.networks || swept.volumes) {
    console.log(`[${TEST_INSTANCE}] removed ${swept.containers} containers, ${swept.networks} networks, ${swept.volumes} volumes left by an earlier run`);
  }
  const token = `it_${crypto.randomBytes(16).toString("hex")}`;
  app = await startApp({ PHLEET_INSTANCE: TEST_INSTANCE, PHLEET_API_TOKEN: token, PHLEET_ADMIN_PASSWORD: "integration-pass", PHLEET_SUBNET_POOL: SUBNET_POOL });
  project.provide("phleetUrl", app.url);
  project.provide("phleetToken", token);
  project.provide("phleetInstance", TEST_INSTANCE);
  project.provide("phleetDataDir", app.dataDir);
}

export async function teardown() {
  await app?.stop();
  if (app) printServerWarnings(path.join(app.dataDir, "server.log"));
  await sweepInstance(TEST_INSTANCE);
}

/** The control plane's own warnings and errors of the run (pino JSON, level >= 40), so a CI failure comes with its server side. */
export function printServerWarnings(file: string, instance = TEST_INSTANCE) {
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return;
  }
  const lines = text.split("\n").filter((l) => {
    try {
      return (JSON.parse(l) as { level?: number }).level! >= 40;
    } catch {
      return false;
    }
  });
  if (!lines.length) return;
  console.log(`[${instance}] the control plane logged ${lines.length} warnings/errors; the last ones:`);
  for (const l of lines.slice(-40)) console.log(l.length > 600 ? `${l.slice(0, 600)}…` : l);
}
