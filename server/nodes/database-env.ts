import { config } from "../config";
import { db } from "../db/client";
import { databaseOf, nodeKind } from "../node-kinds";
import { DATABASE_ENV_PATH, renderDatabaseEnv } from "../node-kinds/database";
import { LABEL, managedLabels } from "../runtime/labels";
import type { FileSpec, VolumeMount } from "../runtime/types";

/**
 * Where an environment's app servers find its database, and what its database node needs to start: one
 * place. The app layer's DB_* values come from `databaseEnvFor` (today container environment variables;
 * once the layer has variables, the same values become its DB_* variables, DB_PASSWORD a secret).
 */

export interface DatabaseAccess {
  type: string;
  host: string;
  port: number;
  name: string;
  user: string;
  password: string;
  volume: string;
}

/** The environment's database and its node's address, or null when it has none. */
export async function databaseAccess(envId: string): Promise<DatabaseAccess | null> {
  const row = await db().database.findUnique({ where: { environmentId: envId } });
  if (!row) return null;
  const node = await db().node.findFirst({ where: { environmentId: envId, role: "database" } });
  if (!node) return null;
  return { type: row.type, host: node.ip, port: nodeKind(node.type).port, name: row.name, user: row.user, password: row.password, volume: row.volume };
}

/** DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD for an app server of the environment (none without a database). */
export async function databaseEnvFor(envId: string): Promise<string[]> {
  const a = await databaseAccess(envId);
  if (!a) return [];
  return [`DB_HOST=${a.host}`, `DB_PORT=${a.port}`, `DB_NAME=${a.name}`, `DB_USER=${a.user}`, `DB_PASSWORD=${a.password}`];
}

/** The database node's data volume and credentials file (read by its image at the first start of an empty volume). */
export async function databaseNodeSetup(envId: string, nodeType: string): Promise<{ volumes: VolumeMount[]; files: FileSpec[] }> {
  const a = await databaseAccess(envId);
  if (!a) throw new Error("the environment has no database record");
  return {
    volumes: [
      {
        name: a.volume,
        target: databaseOf(nodeType).dataPath,
        labels: managedLabels(config().PHLEET_INSTANCE, { [LABEL.environment]: envId, [LABEL.role]: "database" }),
      },
    ],
    files: [{ path: DATABASE_ENV_PATH, content: renderDatabaseEnv({ name: a.name, user: a.user, password: a.password }), mode: 0o600 }],
  };
}
