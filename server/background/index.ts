import { backupScheduleForever } from "../databases/backups";
import { watchAndHeal } from "../environments/heal";
import { provisionNodeInstance } from "../environments/node-container";
import { reconcileForever } from "../environments/reconcile";
import { startAcmeRenewal } from "../https/renewal";
import { ensureImageOnce, imageTag } from "../images/build";
import { log } from "../log";
import { runtime } from "../runtime";
import { startStats } from "../stats/background";

/**
 * The control plane's long-lived work, started once per server process from instrumentation.ts. This is the
 * one place that knows them all (the domains do not register themselves, so no domain imports this folder).
 * Each loop logs and retries on its own; none may throw.
 */
const SERVICES: { name: string; start: () => void }[] = [
  { name: "reconcile", start: () => void reconcileForever(runtime()) },
  { name: "self-heal", start: () => void watchAndHeal(runtime()) },
  { name: "stats", start: () => startStats(runtime()) },
  { name: "acme-renewal", start: () => startAcmeRenewal() },
  { name: "database-backups", start: () => void backupScheduleForever(runtime()) },
];

const g = globalThis as unknown as { __phleetBackgroundStarted?: boolean };

export function startBackground(): void {
  // New instances of a node made by a multi-host runtime (Swarm) get the node's files before they start.
  runtime().setProvisioner?.(provisionNodeInstance);
  // ... and node images through a registry it may have to run itself, from images/registry.
  runtime().setImageSource?.(async (name) => (await ensureImageOnce(runtime(), name), imageTag(name)));
  if (g.__phleetBackgroundStarted || process.env.PHLEET_BACKGROUND === "off") return;
  g.__phleetBackgroundStarted = true;
  for (const s of SERVICES) {
    try {
      s.start();
      log.info({ service: s.name }, "background service started");
    } catch (err) {
      log.error({ service: s.name, err }, "background service failed to start");
    }
  }
}
