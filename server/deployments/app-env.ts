import { db } from "../db/client";
import { databaseVariables } from "../nodes/database-env";
import { renderAppEnv } from "./layout";

/**
 * The app layer's variables file: the user's variables and, with a database node, Phleet's DB_* (a user's
 * own variable of the same name wins). One place, used by new nodes and by a change of variables.
 */
export async function appEnvFile(envId: string, userVars?: { name: string; value: string }[]): Promise<string> {
  const own = userVars ?? (await db().appVariable.findMany({ where: { environmentId: envId }, orderBy: { name: "asc" } }));
  const names = new Set(own.map((v) => v.name));
  const all = [...(await databaseVariables(envId)).filter((v) => !names.has(v.name)), ...own];
  return renderAppEnv(all.sort((a, b) => a.name.localeCompare(b.name)));
}
