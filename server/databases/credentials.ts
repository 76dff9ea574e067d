import type { DatabaseCredentials } from "../contracts/environment";
import { db } from "../db/client";
import { AppError, notFound } from "../errors";
import { databaseAccess } from "../nodes/database-env";

/** GET .../database/credentials: the one answer that carries the password. */
export async function databaseCredentials(envId: string): Promise<DatabaseCredentials> {
  const a = await databaseAccess(envId);
  if (!a) {
    const env = await db().environment.findUnique({ where: { id: envId } });
    if (!env) throw notFound("Environment", envId);
    throw new AppError("no_database", `Environment '${env.name}' has no database node`, 404);
  }
  return { host: a.host, port: a.port, name: a.name, user: a.user, password: a.password };
}
