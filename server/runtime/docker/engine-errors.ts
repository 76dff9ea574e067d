import { isRuntimeError, RuntimeError } from "../errors";

interface EngineErrorShape {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  reason?: string;
  message?: string;
}

/** Turns a dockerode/engine error into a RuntimeError carrying the engine's own message. */
export function toRuntimeError(err: unknown, action: string): RuntimeError {
  if (isRuntimeError(err)) return err;
  const e = (err ?? {}) as EngineErrorShape;
  const engineMessage = e.json?.message ?? e.message ?? String(err);
  if (e.code === "ECONNREFUSED" || e.code === "ENOENT" || e.code === "EACCES") {
    return new RuntimeError(`${action}: cannot reach the Docker engine (${e.code})`, "unavailable");
  }
  const kind = e.statusCode === 404 ? "not_found" : e.statusCode === 409 ? "conflict" : "failed";
  return new RuntimeError(`${action}: ${engineMessage.trim()}`, kind, e.statusCode);
}

export function statusOf(err: unknown): number | undefined {
  return (err as EngineErrorShape | null)?.statusCode;
}
