import { log } from "../log";
import type { ContainerRuntime } from "../runtime/types";
import { StatsManager, setStatsManager, statsManager } from "./manager";
import { statsSettings } from "./settings";
import { prismaStatsStore } from "./store";

/** Starts statistics collection for every environment (unless PHLEET_STATS=off). */
export function startStats(rt: ContainerRuntime): void {
  const settings = statsSettings();
  if (!settings.enabled) {
    log.info("stats: collection is off (PHLEET_STATS=off)");
    return;
  }
  if (statsManager()) return;
  const m = new StatsManager(rt, prismaStatsStore, settings);
  setStatsManager(m);
  m.start();
}
