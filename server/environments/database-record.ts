import type { DatabaseType } from "../contracts/environment";
import { databaseNames, generatePassword } from "../node-kinds/database";
import { resourcePrefix } from "../nodes/names";
import crypto from "node:crypto";
import { seal } from "../secrets/box";

/**
 * The database record of a new environment: generated names and password (never a default one), and its
 * volume's name. The volume name carries a random part, so an environment re-created under the same name
 * never mounts the kept data of an earlier one (whose password it would not know).
 */
export function newDatabaseRecord(instance: string, envName: string, type: DatabaseType) {
  const { name, user } = databaseNames(envName);
  return {
    type,
    name,
    user,
    password: seal(generatePassword()), // sealed at rest; databaseAccess opens it
    volume: `${resourcePrefix(instance)}-${envName}-db-${crypto.randomBytes(4).toString("hex")}`,
  };
}
