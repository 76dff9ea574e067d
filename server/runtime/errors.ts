/** A mark every RuntimeError carries, checked by `isRuntimeError`: `instanceof` fails when the class is bundled into several chunks. */
const BRAND = Symbol.for("phleet.runtime-error");

export type RuntimeErrorKind = "unavailable" | "not_found" | "conflict" | "timeout" | "failed";
const KINDS: readonly RuntimeErrorKind[] = ["unavailable", "not_found", "conflict", "timeout", "failed"];

/** Errors the runtime raises, in its own terms; services decide what they mean to a user. */
export class RuntimeError extends Error {
  readonly [BRAND] = true;
  constructor(
    message: string,
    readonly kind: RuntimeErrorKind,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = "RuntimeError";
  }
}

/** Is this a RuntimeError, whichever copy of the class made it? */
export function isRuntimeError(err: unknown): err is RuntimeError {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { [BRAND]?: unknown; kind?: unknown };
  return e[BRAND] === true && KINDS.includes(e.kind as RuntimeErrorKind);
}
