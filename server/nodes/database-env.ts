import { nodeAddress } from "./names";
import { config } from "../config";
import { db } from "../db/client";
import { databaseOf, nodeKind } from "../node-kinds";
import { DATABASE_ENV_PATH, renderDatabaseEnv } from "../node-kinds/database";
import { openStored } from "../secrets/box";
import { LABEL, managedLabels } from "../runtime/labels";
import type { FileSpec, VolumeMount } from "../runtime/types";

/**
 * Where an environment's app servers find its database, and what its database node needs to start: one
 * place. The app layer's DB_* values (`databaseVariables`) join its variables file (server/deployments): PHP sees
 * them through getenv(), $_ENV and $_SERVER like the user's own, and the password is never a container
 * environment variable (which `docker inspect` would show).
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
  return { type: row.type, host: nodeAddress(node), port: nodeKind(node.type).port, name: row.name, user: row.user, password: openStored(row.password), volume: row.volume };
}

/** DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD for the app layer (none without a database). */
export async function databaseVariables(envId: string): Promise<{ name: string; value: string }[]> {
  const a = await databaseAccess(envId);
  if (!a) return [];
  return [
    { name: "DB_HOST", value: a.host },
    { name: "DB_PORT", value: String(a.port) },
    { name: "DB_NAME", value: a.name },
    { name: "DB_USER", value: a.user },
    { name: "DB_PASSWORD", value: a.password },
  ];
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
