import { db } from "../db/client";
import { databaseVariables } from "../nodes/database-env";
import { openStored } from "../secrets/box";
import { renderAppEnv } from "./layout";

/**
 * The app layer's variables file: the user's variables and, with a database node, Phleet's DB_* (a user's
 * own variable of the same name wins). One place, used by new nodes and by a change of variables.
 */
export async function appEnvFile(envId: string, userVars?: { name: string; value: string }[]): Promise<string> {
  const own = userVars ?? (await storedVariables(envId));
  const names = new Set(own.map((v) => v.name));
  const all = [...(await databaseVariables(envId)).filter((v) => !names.has(v.name)), ...own];
  return renderAppEnv(all.sort((a, b) => a.name.localeCompare(b.name)));
}

/** The environment's variables with secret values opened (they are sealed at rest). */
export async function storedVariables(envId: string): Promise<{ name: string; value: string; secret: boolean }[]> {
  const rows = await db().appVariable.findMany({ where: { environmentId: envId }, orderBy: { name: "asc" } });
  return rows.map((r) => ({ name: r.name, value: r.secret ? openStored(r.value) : r.value, secret: r.secret }));
}
