import { openApiDocument } from "../contracts/openapi";

/**
 * Which methods each API path answers, read from the OpenAPI document (which documents every route), so a
 * method a route does not support gets the API's JSON error with an Allow header instead of Next's empty 405.
 * The dashboard's own sign-in route is not part of the token API's document and is listed here.
 */
const EXTRA: Record<string, string[]> = { "/api/v1/auth/session": ["POST", "DELETE"] };
const METHODS = ["get", "put", "post", "delete", "patch"];

interface PathRule {
  pattern: RegExp;
  methods: string[];
}

let rules: PathRule[] | undefined;

function compile(): PathRule[] {
  const paths = openApiDocument("").paths as Record<string, Record<string, unknown>>;
  const table: Record<string, string[]> = { ...EXTRA };
  for (const [p, ops] of Object.entries(paths)) table[p] = METHODS.filter((m) => m in ops).map((m) => m.toUpperCase());
  return Object.entries(table).map(([p, methods]) => ({
    pattern: new RegExp(`^${p.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}/?$`),
    methods,
  }));
}

/** The methods allowed on this path (GET implies HEAD), or null when the path is not a known route. */
export function allowedMethods(pathname: string): string[] | null {
  rules ??= compile();
  const hits = rules.filter((r) => r.pattern.test(pathname));
  if (!hits.length) return null;
  const set = new Set(hits.flatMap((r) => r.methods));
  if (set.has("GET")) set.add("HEAD");
  set.add("OPTIONS");
  return [...set];
}

/** A JSON 405 for a known path and a method it does not answer; null when the request may go on. */
export function methodNotAllowed(method: string, pathname: string): Response | null {
  const allowed = allowedMethods(pathname);
  if (!allowed || allowed.includes(method.toUpperCase())) return null;
  return Response.json(
    { error: { code: "method_not_allowed", message: `${method} is not supported on ${pathname}; use ${allowed.filter((m) => m !== "HEAD" && m !== "OPTIONS").join(", ")}`, details: { allowed } } },
    { status: 405, headers: { allow: allowed.join(", "), "cache-control": "no-store" } },
  );
}
