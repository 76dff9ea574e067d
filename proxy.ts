import { NextResponse, type NextRequest } from "next/server";

// Kept small: the proxy runs before rendering. Its one server/ import is the API's method table.
import { methodNotAllowed } from "./server/http/allowed-methods";
const SESSION_COOKIE = "phleet_session";
const PATH_HEADER = "x-phleet-path";

/**
 * Pages behind sign-in: without a session cookie, go to /sign-in and come back after. The page
 * itself checks that the cookie is a live session (server/auth/page-session.ts); the proxy only
 * saves a render and passes on the requested path for that check.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // API routes answer for themselves; only a method a route does not support is answered here (JSON 405).
  if (pathname.startsWith("/api/")) return methodNotAllowed(request.method, pathname) ?? NextResponse.next();
  if (pathname === "/sign-in") return NextResponse.next();
  if (!request.cookies.get(SESSION_COOKIE)?.value) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = pathname === "/" && !search ? "" : `?next=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, pathname + search);
  return NextResponse.next({ request: { headers } });
}

// Not an archive upload (POST .../deployments): the proxy buffers a request's body before the route sees it,
// which would hold a large upload, or one that declares a size it never sends, until it timed out.
export const config = {
  matcher: ["/((?!_next/|favicon\\.ico|icon\\.svg|robots\\.txt|api/v1/environments/[^/]+/deployments$).*)"],
};
