import { AppError } from "../errors";

/**
 * CSRF guard for cookie-authenticated requests that change something: the browser's Origin must be this
 * dashboard's own. A missing, opaque ("null") or unparsable Origin is refused, not an error.
 */
function isSameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (!origin || !host || origin === "null") return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function assertSameOrigin(req: Request): void {
  if (!isSameOrigin(req)) throw new AppError("forbidden", "Cross-site request refused", 403);
}
