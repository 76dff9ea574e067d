import { unauthorized } from "../errors";
import { assertSameOrigin } from "./same-origin";
import { verifyApiToken } from "./credentials";
import { isValidUserSession, SESSION_COOKIE } from "./sessions";

export type Actor = { kind: "token"; name: "api" } | { kind: "session"; name: "admin" };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Who is calling: a script with the API token (Authorization: Bearer), or the dashboard with its
 * httpOnly session cookie. Cookie calls that change something must come from the dashboard's own
 * origin (CSRF), which SameSite=Lax alone does not guarantee for every method.
 */
export async function authenticate(req: Request): Promise<Actor> {
  const header = req.headers.get("authorization");
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m?.[1] || !(await verifyApiToken(m[1]))) throw unauthorized("The API token is missing or wrong");
    return { kind: "token", name: "api" };
  }
  const cookie = cookieValue(req.headers.get("cookie"), SESSION_COOKIE);
  if (cookie && (await isValidUserSession(cookie))) {
    if (!SAFE_METHODS.has(req.method)) assertSameOrigin(req);
    return { kind: "session", name: "admin" };
  }
  throw unauthorized("Send 'Authorization: Bearer <token>' (the API token printed by npm run up)");
}

export function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [k, ...rest] = part.trim().split("=");
    if (k === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}
