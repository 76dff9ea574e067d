/** Domain errors: each carries the API code and HTTP status it maps to (server/http/route.ts). */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string, id: string) => new AppError("not_found", `${what} '${id}' was not found`, 404);
export const conflict = (message: string, details?: unknown) => new AppError("conflict", message, 409, details);
export const badRequest = (message: string, details?: unknown) => new AppError("bad_request", message, 400, details);
export const unprocessable = (message: string, details?: unknown) =>
  new AppError("validation_failed", message, 422, details);
export const unauthorized = (message = "Missing or invalid credentials") => new AppError("unauthorized", message, 401);
