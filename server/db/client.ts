import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { Prisma, PrismaClient } from "./generated/client";
import { databaseUrl } from "./url";

const WRITES = new Set(["create", "createMany", "createManyAndReturn", "update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"]);
const TOPOLOGY_MODELS = new Set(["Environment", "Node"]);

function createClient() {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl() }) }).$extends({
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          const result = await query(args);
          if (TOPOLOGY_MODELS.has(model) && WRITES.has(operation)) g.__phleetTopologyVersion = (g.__phleetTopologyVersion ?? 0) + 1;
          return result;
        },
      },
    },
  });
}

type Db = ReturnType<typeof createClient>;

// One client per process; Next's dev server reloads modules, and route handlers and the background loops may live in
// different bundles, so the instance (and the version below) lives on globalThis.
const g = globalThis as unknown as { __phleetDb?: Db; __phleetTopologyVersion?: number };

export function db(): Db {
  g.__phleetDb ??= createClient();
  return g.__phleetDb;
}

/**
 * Grows after every write to an environment or node row made through db() in this process (once the write is done):
 * a loop that follows the environments can compare it instead of reading the database every few seconds (each
 * Prisma query costs about 1 ms of CPU, even a trivial one). Writes of other processes do not move it.
 */
export function topologyVersion(): number {
  return g.__phleetTopologyVersion ?? 0;
}

/** Tagged SQL for $executeRaw / $queryRaw: values are always parameters. */
export const sql = Prisma.sql;
export const joinSql = Prisma.join;

/** Row types, inferred from the schema (one place: prisma/schema.prisma). */
export type {
  Environment as EnvRow,
  Node as NodeRow,
  Task as TaskRow,
  TaskStep as TaskStepRow,
  FileRevision as RevisionRow,
} from "./generated/client";
