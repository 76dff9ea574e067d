import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/client";
import { databaseUrl } from "./url";

// One client per process; Next's dev server reloads modules, so the instance lives on globalThis.
const g = globalThis as unknown as { __phleetDb?: PrismaClient };

export function db(): PrismaClient {
  g.__phleetDb ??= new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl() }) });
  return g.__phleetDb;
}

/** Row types, inferred from the schema (one place: prisma/schema.prisma). */
export type {
  Environment as EnvRow,
  Node as NodeRow,
  Task as TaskRow,
  TaskStep as TaskStepRow,
  FileRevision as RevisionRow,
} from "./generated/client";
