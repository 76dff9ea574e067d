import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { databaseUrl } from "../db/url";

/**
 * Encryption at rest for secrets (certificate keys, the ACME account key, database passwords, secret app
 * variables): AES-256-GCM with a key
 * derived (HKDF) from a random secret made on first use. The secret lives in a file next to the database,
 * not in it, so a copy of the database alone does not reveal the keys. PHLEET_SECRET_FILE moves it.
 */

const g = globalThis as unknown as { __phleetBoxKey?: Buffer };

function secretFile(): string {
  if (process.env.PHLEET_SECRET_FILE) return process.env.PHLEET_SECRET_FILE;
  const url = databaseUrl();
  const file = url.startsWith("file:") ? url.slice("file:".length) : "";
  const dir = file && file !== ":memory:" ? path.dirname(path.resolve(file)) : path.resolve("data");
  return path.join(dir, "phleet-secret.key");
}

function readOrCreateSecret(file: string): Buffer {
  try {
    return Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": two processes starting at once do not overwrite each other's secret.
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
}

function key(): Buffer {
  if (!g.__phleetBoxKey) {
    const secret = readOrCreateSecret(secretFile());
    if (secret.length < 32) throw new Error(`${secretFile()} does not hold a 32-byte secret`);
    g.__phleetBoxKey = Buffer.from(crypto.hkdfSync("sha256", secret, "phleet", "private keys at rest v1", 32));
  }
  return g.__phleetBoxKey;
}

/** Makes the secret now (at start), so a missing or unreadable file shows at once rather than at the first upload. */
export function ensureSecret(): void {
  key();
}

export function seal(plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}

export function open(sealed: string): string {
  const [v, iv, tag, body] = sealed.split(":");
  if (v !== "v1" || !iv || !tag || body === undefined) throw new Error("not a sealed value");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

/**
 * A secret read back from the database. Rows written before passwords and secret variables were sealed
 * hold the plain value: it is returned as it is (and sealed the next time the row is written).
 */
export function openStored(stored: string): string {
  if (!stored.startsWith("v1:") || stored.split(":").length !== 4) return stored;
  try {
    return open(stored);
  } catch {
    return stored; // a plain value that merely looks sealed
  }
}
