/**
 * First-start credentials: generates the API token and the admin password when neither the
 * environment nor the database has them, stores them hashed, and prints them this once.
 * `--reset` forgets the stored ones first (for a lost password).
 */
import { ensureCredentials } from "../server/auth/credentials";
import { config } from "../server/config";
import { db } from "../server/db/client";

async function main() {
  const cfg = config();
  if (process.argv.includes("--reset")) {
    await db().setting.deleteMany({ where: { key: { startsWith: "auth." } } });
    await db().userSession.deleteMany({});
    console.log("[up] stored credentials forgotten; new ones follow");
  }
  const fresh = await ensureCredentials();
  // The address the dashboard listens on (scripts/up.sh); every address when it is 0.0.0.0 / ::.
  const host = process.env.PHLEET_HOST && !["0.0.0.0", "::"].includes(process.env.PHLEET_HOST) ? process.env.PHLEET_HOST : "localhost";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${cfg.PORT}`;
  const lines = [`Phleet dashboard and API: ${url}`];
  if (cfg.PHLEET_ADMIN_PASSWORD) lines.push("Sign in with the password in PHLEET_ADMIN_PASSWORD.");
  else if (fresh.adminPassword) lines.push(`Sign in with the admin password: ${fresh.adminPassword}   (shown once; it is stored hashed)`);
  else lines.push("Sign in with the admin password printed on first start (lost it? npm run up -- --reset-credentials).");
  if (cfg.PHLEET_API_TOKEN) lines.push("API token: the value of PHLEET_API_TOKEN.");
  else if (fresh.apiToken) lines.push(`API token: ${fresh.apiToken}   (shown once; use it as 'Authorization: Bearer <token>')`);
  else lines.push("API token: the one printed on first start.");
  const width = Math.max(...lines.map((l) => l.length));
  console.log(`\n${"-".repeat(width)}\n${lines.join("\n")}\n${"-".repeat(width)}\n`);
  await db().$disconnect();
}

main().catch((err) => {
  console.error(`[up] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
