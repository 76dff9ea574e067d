import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { db } from "../db/client";

/**
 * A fresh SQLite database for a unit test file, with the committed migrations applied through the client
 * (milliseconds, where the Prisma CLI takes seconds). Call before anything else uses db().
 */
export async function useFreshDatabase(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-unit-"));
  process.env.PHLEET_DATABASE_URL = `file:${path.join(dir, "phleet.db")}`;
  delete (globalThis as { __phleetDb?: unknown }).__phleetDb;
  const migrations = path.resolve(__dirname, "..", "..", "prisma", "migrations");
  for (const name of fs.readdirSync(migrations).filter((n) => fs.statSync(path.join(migrations, n)).isDirectory()).sort()) {
    // Prisma writes one statement per `;` at a line end.
    const sql = fs.readFileSync(path.join(migrations, name, "migration.sql"), "utf8");
    for (const statement of sql.split(/;\s*$/m).map((s) => s.replace(/^\s*--.*$/gm, "").trim()).filter(Boolean)) {
      await db().$executeRawUnsafe(statement);
    }
  }
}
