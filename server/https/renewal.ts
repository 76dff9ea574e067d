import { config } from "../config";
import { db } from "../db/client";
import { log } from "../log";
import { runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";
import { isTaskRunning } from "../tasks/runner";
import { ensureSecret } from "../secrets/box";
import { startAcme } from "./service";

/**
 * Automatic renewal: every ACME certificate whose renewal date (PHLEET_ACME_RENEW_BEFORE_DAYS before expiry)
 * or retry time (back-off after a failure) has come is ordered again. An environment busy with another
 * change is simply tried at the next round.
 */
async function renewDue(rt: ContainerRuntime = runtime(), now = new Date()): Promise<string[]> {
  const rows = await db().environmentTls.findMany({
    where: { acme: true, environment: { status: "running", httpsPort: { not: null } }, OR: [{ nextRenewalAt: null }, { nextRenewalAt: { lte: now } }, { renewalState: "issuing" }] },
    include: { environment: { include: { tasks: { where: { kind: "certificate.acme", status: { in: ["pending", "running"] } }, select: { id: true } } } } },
  });
  const started: string[] = [];
  for (const row of rows) {
    if (row.environment.tasks.some((t) => isTaskRunning(t.id))) continue;
    try {
      started.push(await startAcme(row.environmentId, rt));
      log.info({ envId: row.environmentId }, "ACME renewal started");
    } catch (err) {
      log.info({ envId: row.environmentId, err: (err as Error).message }, "ACME renewal postponed");
    }
  }
  return started;
}

/** Checks every certificate's renewal date every PHLEET_ACME_CHECK_INTERVAL_MS, for as long as the process runs. */
export function startAcmeRenewal(): void {
  ensureSecret();
  const interval = config().PHLEET_ACME_CHECK_INTERVAL_MS;
  const timer = setInterval(() => void renewDue().catch((err) => log.warn({ err }, "ACME renewal round failed")), interval);
  timer.unref();
}
