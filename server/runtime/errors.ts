/** Errors the runtime raises, in its own terms; services decide what they mean to a user. */
export class RuntimeError extends Error {
  constructor(
    message: string,
    readonly kind: "unavailable" | "not_found" | "conflict" | "timeout" | "failed",
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = "RuntimeError";
  }
}
