import type { IncomingMessage } from "node:http";
import { cookieValue } from "../auth/authenticate";
import { isValidUserSession, SESSION_COOKIE } from "../auth/sessions";

export type UpgradeCheck = { ok: true; cookie: string } | { ok: false; status: number; code: string; message: string };

/**
 * The terminal's WebSocket is authenticated like every dashboard call: a live session cookie, and
 * an Origin of this very host (a WebSocket is not bound by CORS, so this is its CSRF guard).
 */
export async function checkUpgrade(req: IncomingMessage): Promise<UpgradeCheck> {
  const origin = req.headers.origin;
  const host = (req.headers["x-forwarded-host"] as string | undefined) ?? req.headers.host;
  let sameOrigin = false;
  try {
    sameOrigin = !!origin && !!host && new URL(origin).host === host;
  } catch {
    sameOrigin = false;
  }
  if (!sameOrigin) return { ok: false, status: 403, code: "forbidden", message: "Cross-site terminal connection refused" };
  const cookie = cookieValue(req.headers.cookie ?? null, SESSION_COOKIE);
  if (!cookie || !(await isValidUserSession(cookie))) {
    return { ok: false, status: 401, code: "unauthorized", message: "Sign in to the dashboard to open a terminal" };
  }
  return { ok: true, cookie };
}
