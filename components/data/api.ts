import { ApiError } from "@/server/contracts/errors";

/** A failed API call, carrying the API's own code, message and details (for field errors). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

/** The `[{path, message}]` details of a 409 or 422, when the API sent them. */
export function fieldIssues(err: unknown): FieldIssue[] {
  if (!(err instanceof ApiRequestError) || !Array.isArray(err.details)) return [];
  return err.details.filter(
    (d): d is FieldIssue => typeof d === "object" && d !== null && typeof (d as FieldIssue).path === "string" && typeof (d as FieldIssue).message === "string",
  );
}

function signInPath(next?: string): string {
  return next && next !== "/" ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in";
}

/**
 * Calls the dashboard's own REST API with the session cookie (same origin, so the browser adds
 * the Origin header that the API's CSRF check wants). A 401 means the session ended: back to sign-in.
 */
export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
      cache: "no-store",
      signal: init.signal,
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiRequestError(0, "network", "Phleet's server did not answer. Check that it is running, then retry.");
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.ok) return body as T;

  const parsed = ApiError.safeParse(body);
  const err = parsed.success
    ? new ApiRequestError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details)
    : new ApiRequestError(res.status, "http_" + res.status, `The server answered ${res.status} ${res.statusText}`.trim());
  if (res.status === 401 && path !== "/api/v1/auth/session" && typeof window !== "undefined") {
    window.location.assign(signInPath(window.location.pathname + window.location.search));
  }
  throw err;
}
