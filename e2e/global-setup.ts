import crypto from "node:crypto";
import { startApp } from "../server/testing/app-server";
import { sweepInstance } from "../server/testing/sweep";
import { E2E_ADMIN_PASSWORD, E2E_INSTANCE, E2E_SUBNET_POOL } from "./constants";

/** One real Phleet (scripts/serve.ts, its own SQLite database and instance label), swept before and after. */
export default async function globalSetup() {
  const swept = await sweepInstance(E2E_INSTANCE);
  if (swept.containers || swept.networks) console.log(`[e2e] removed ${swept.containers} containers, ${swept.networks} networks left by an earlier run`);
  const token = `e2e_${crypto.randomBytes(18).toString("hex")}`;
  const app = await startApp({
    PHLEET_INSTANCE: E2E_INSTANCE,
    PHLEET_SUBNET_POOL: E2E_SUBNET_POOL,
    PHLEET_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
    PHLEET_API_TOKEN: token,
  });
  console.log(`[e2e] Phleet at ${app.url} (build ${process.env.PHLEET_DIST_DIR}, log ${app.dataDir}/server.log)`);
  process.env.PHLEET_E2E_URL = app.url;
  // Only for asserting that no page ever carries it; tests do not use it.
  process.env.PHLEET_E2E_TOKEN = token;

  return async () => {
    await app.stop();
    await sweepInstance(E2E_INSTANCE);
  };
}
