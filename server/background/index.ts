import { log } from "../log";

/**
 * Long-lived work of the control plane (started once per server process from instrumentation.ts):
 * each module registers a starter here. A starter must not throw; it logs and retries on its own.
 */
type Starter = { name: string; start: () => Promise<void> | void };

const starters: Starter[] = [];

export function registerBackground(name: string, start: Starter["start"]): void {
  starters.push({ name, start });
}

const g = globalThis as unknown as { __phleetBackgroundStarted?: boolean };

export async function startBackground(): Promise<void> {
  if (g.__phleetBackgroundStarted || process.env.PHLEET_BACKGROUND === "off") return;
  g.__phleetBackgroundStarted = true;
  for (const s of starters) {
    try {
      await s.start();
      log.info({ service: s.name }, "background service started");
    } catch (err) {
      log.error({ service: s.name, err }, "background service failed to start");
    }
  }
}
