import type { z } from "zod";
import type { AppError } from "../errors";
import { isRuntimeError } from "../runtime/errors";

/**
 * Recognising errors by their shape or brand, not by class identity: Next bundles a module into each route's
 * chunk and the background services' chunk, so an error made by one copy of a class fails `instanceof` in another.
 */

export { isRuntimeError };

export function isAppError(err: unknown): err is AppError {
  if (!(err instanceof Error) || err.name !== "AppError") return false;
  const e = err as Partial<AppError>;
  return typeof e.code === "string" && typeof e.status === "number";
}

export function isZodError(err: unknown): err is z.ZodError {
  return err instanceof Error && err.name === "ZodError" && Array.isArray((err as Partial<z.ZodError>).issues);
}
