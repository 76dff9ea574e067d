import { z } from "zod";
import { auditRequest } from "../audit/record";
import { authenticate, type Actor } from "../auth/authenticate";
import { badRequest } from "../errors";
import { log } from "../log";
import { checkDeclaredLength, readBodyText } from "./body-limit";
import { isAppError, isRuntimeError, isZodError } from "./error-kinds";

interface RouteContext<P> {
  req: Request;
  params: P;
  actor: Actor | null;
}

type Handler<P> = (ctx: RouteContext<P>) => Promise<Response>;

/** Every API route goes through here: authentication, awaited params, and one error table. */
/**
 * `bodyLimit: "handler"` is for a route that reads a large body itself under its own limit (an archive upload);
 * every other route refuses a declared body over the default limit before anything else.
 */
export function route<P = Record<string, never>>(handler: Handler<P>, opts: { public?: boolean; audit?: boolean; bodyLimit?: "handler" } = {}) {
  return async (req: Request, context: { params: Promise<P> }): Promise<Response> => {
    let actor: Actor | null = null;
    let params = {} as P;
    let res: Response;
    try {
      params = context?.params ? await context.params : ({} as P);
      if (opts.bodyLimit !== "handler") checkDeclaredLength(req);
      actor = opts.public ? null : await authenticate(req);
      res = await handler({ req, params, actor });
    } catch (err) {
      res = errorResponse(err);
    }
    // Every mutating request, whatever its outcome, leaves exactly one audit record (server/audit).
    if (opts.audit !== false) await auditRequest({ req, params: params as Record<string, string>, actor, res });
    return res;
  };
}

export function json(data: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(data, { status, headers: { "cache-control": "no-store", ...headers } });
}

export function apiError(status: number, code: string, message: string, details?: unknown): Response {
  return json({ error: details === undefined ? { code, message } : { code, message, details } }, status);
}

function errorResponse(err: unknown): Response {
  if (isAppError(err)) {
    const res = apiError(err.status, err.code, err.message, err.details);
    const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (err.status === 429 && retry) res.headers.set("retry-after", String(retry));
    return res;
  }
  if (isZodError(err)) return apiError(422, "validation_failed", summarize(err), issuesOf(err));
  if (isRuntimeError(err)) {
    if (err.kind === "unavailable") return apiError(503, "engine_unavailable", err.message);
    if (err.kind === "not_found") return apiError(404, "not_found", err.message);
    return apiError(502, "engine_error", err.message);
  }
  log.error({ err }, "unhandled error in API route");
  return apiError(500, "internal", "Something went wrong inside Phleet; the server log has the details");
}

function issuesOf(err: z.ZodError) {
  return err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

function summarize(err: z.ZodError): string {
  const parts = err.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
  return `Invalid request: ${parts.join("; ")}`;
}

/** The request body parsed as JSON and validated: 400 when it is not JSON, 422 when it does not fit. */
export async function parseBody<S extends z.ZodType>(req: Request, schema: S, maxBytes?: number): Promise<z.infer<S>> {
  const text = await readBodyText(req, maxBytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest("The request body must be valid JSON");
  }
  return schema.parse(raw);
}

export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  return schema.parse(Object.fromEntries(new URL(req.url).searchParams));
}
