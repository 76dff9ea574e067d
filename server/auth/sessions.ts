import { db } from "../db/client";
import { randomSecret, sha256 } from "./secrets";

export const SESSION_COOKIE = "phleet_session";
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

/** A new dashboard session; returns the cookie value (only its hash is stored). */
export async function createUserSession(): Promise<{ value: string; expiresAt: Date }> {
  const value = randomSecret("", 32);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db().userSession.create({ data: { id: sha256(value), expiresAt } });
  await db().userSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return { value, expiresAt };
}

export async function isValidUserSession(value: string | undefined): Promise<boolean> {
  if (!value) return false;
  const s = await db().userSession.findUnique({ where: { id: sha256(value) } });
  return !!s && s.expiresAt > new Date();
}

export async function deleteUserSession(value: string | undefined): Promise<void> {
  if (value) await db().userSession.deleteMany({ where: { id: sha256(value) } });
}
