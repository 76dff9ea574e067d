import { registerBackground } from "../background";
import { log } from "../log";
import { runtime } from "../runtime";
import { StatsManager, setStatsManager, statsManager } from "./manager";
import { statsSettings } from "./settings";
import { prismaStatsStore } from "./store";

registerBackground("stats", () => {
  const settings = statsSettings();
  if (!settings.enabled) {
    log.info("stats: collection is off (PHLEET_STATS=off)");
    return;
  }
  if (statsManager()) return;
  const m = new StatsManager(runtime(), prismaStatsStore, settings);
  setStatsManager(m);
  m.start();
});
