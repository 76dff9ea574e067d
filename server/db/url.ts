import fs from "node:fs";
import path from "node:path";

/** The SQLite URL Phleet uses: PHLEET_DATABASE_URL, or a file under ./data/. Creates the folder. */
export function databaseUrl(): string {
  const url = process.env.PHLEET_DATABASE_URL ?? "file:./data/phleet.db";
  const file = url.startsWith("file:") ? url.slice("file:".length) : null;
  if (file && file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return url;
}
