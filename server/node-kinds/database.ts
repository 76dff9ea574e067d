import crypto from "node:crypto";
import type { DatabaseCounters } from "./types";

/** What the two database kinds share: the credentials file Phleet writes, generated names and passwords, counters. */

/** Read by the image's phleet-run at the first start of an empty volume (images/<kind>/phleet-run). */
export const DATABASE_ENV_PATH = "/etc/phleet/database.env";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A password of `length` letters and digits (no quoting issue in SQL, shell or a DSN); about 143 bits at 24. */
export function generatePassword(length = 24): string {
  const out: string[] = [];
  while (out.length < length) {
    for (const b of crypto.randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out.push(ALPHANUMERIC[b % 62]!); // 248 = 4 * 62: no modulo bias
    }
  }
  return out.join("");
}

/** The database and user names of an environment: its name as an identifier (letters, digits, underscores). */
export function databaseNames(envName: string): { name: string; user: string } {
  const slug = envName.replace(/[^a-z0-9]/g, "_").slice(0, 40);
  return { name: slug, user: `${slug.slice(0, 27)}_app` };
}

/** The file the image reads; values are checked to be plain identifiers/alphanumerics before they are quoted. */
export function renderDatabaseEnv(c: { name: string; user: string; password: string }): string {
  for (const [k, v] of Object.entries(c)) if (!/^[A-Za-z0-9_]+$/.test(v)) throw new Error(`database ${k} has characters Phleet does not write`);
  return `PHLEET_DB_NAME='${c.name}'\nPHLEET_DB_USER='${c.user}'\nPHLEET_DB_PASSWORD='${c.password}'\n`;
}

/** `key value` lines printed by a kind's countersCommand. */
export function parseDatabaseCounters(text: string): DatabaseCounters | null {
  const m = new Map<string, number>();
  for (const line of text.split(/\r?\n/)) {
    const x = /^\s*([a-z_]+)\s+(\d+)\s*$/i.exec(line);
    if (x) m.set(x[1]!.toLowerCase(), Number(x[2]));
  }
  if (!m.has("connections") || !m.has("queries")) return null;
  return { connections: m.get("connections")!, queries: m.get("queries")!, slowQueries: m.get("slow") ?? 0, bytes: m.get("bytes") ?? 0 };
}
