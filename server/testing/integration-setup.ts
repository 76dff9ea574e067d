import crypto from "node:crypto";
import type { TestProject } from "vitest/node";
import { startApp, type TestApp } from "./app-server";
import { sweepInstance } from "./sweep";

/** One real Phleet server for the integration run, on its own instance label, swept before and after. */

declare module "vitest" {
  export interface ProvidedContext {
    phleetUrl: string;
    phleetToken: string;
    phleetInstance: string;
  }
}

export const TEST_INSTANCE = "it";
let app: TestApp | undefined;

export async function setup(project: TestProject) {
  const swept = await sweepInstance(TEST_INSTANCE);
  if (swept.containers || swept.networks) console.log(`[it] removed ${swept.containers} containers, ${swept.networks} networks left by an earlier run`);
  const token = `it_${crypto.randomBytes(16).toString("hex")}`;
  app = await startApp({ PHLEET_INSTANCE: TEST_INSTANCE, PHLEET_API_TOKEN: token, PHLEET_ADMIN_PASSWORD: "integration-pass", PHLEET_SUBNET_POOL: "10.214.0.0/16" });
  project.provide("phleetUrl", app.url);
  project.provide("phleetToken", token);
  project.provide("phleetInstance", TEST_INSTANCE);
}

export async function teardown() {
  await app?.stop();
  await sweepInstance(TEST_INSTANCE);
}
