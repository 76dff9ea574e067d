import { DeploySettings } from "../contracts/deployments";
import { db } from "../db/client";

/** An environment's deployment settings (defaults until someone saves them). */
export async function settingsOf(envId: string): Promise<DeploySettings> {
  const row = await db().deploySettings.findUnique({ where: { environmentId: envId } });
  if (!row) return DeploySettings.parse({});
  return {
    healthPath: row.healthPath,
    keepReleases: row.keepReleases,
    beforeSwitchHook: row.beforeSwitchHook,
    afterSwitchHook: row.afterSwitchHook,
    hookTimeoutSeconds: row.hookTimeoutSeconds,
  };
}

export async function saveSettings(envId: string, s: DeploySettings): Promise<DeploySettings> {
  await db().deploySettings.upsert({ where: { environmentId: envId }, create: { environmentId: envId, ...s }, update: s });
  return settingsOf(envId);
}
