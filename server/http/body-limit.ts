import { AppError } from "../errors";

/**
 * Request bodies are read up to a limit and no further: a declared Content-Length over it is refused before
 * reading, and a streamed body is cut off at the limit (a 50 MB "password" is not parsed to be refused).
 */

/** Any API body: the largest is a config file (MAX_CONFIG_BYTES characters, up to 4 bytes each in UTF-8) plus JSON. */
const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;
/** Sign-in: a password fits in a few hundred bytes. */
export const SIGN_IN_BODY_LIMIT = 4 * 1024;

const payloadTooLarge = (limit: number) =>
  new AppError("payload_too_large", `The request body must be at most ${limit} bytes`, 413, { limitBytes: limit });

/** Refuses a declared Content-Length over the limit, before anything is read. */
export function checkDeclaredLength(req: Request, limit = DEFAULT_BODY_LIMIT): void {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw payloadTooLarge(limit);
}

/** The body as text, read up to `limit` bytes; more is a 413 and the rest is not read. */
export async function readBodyText(req: Request, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  checkDeclaredLength(req, limit);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
