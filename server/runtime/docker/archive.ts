import { pack, extract } from "tar-stream";
import type { FileSpec } from "../types";

/** A tar archive (for the engine's archive API) holding the given files at their absolute paths. */
export async function tarOf(files: FileSpec[]): Promise<Buffer> {
  const p = pack();
  for (const f of files) {
    const name = f.path.replace(/^\/+/, "");
    p.entry({ name, mode: f.mode ?? 0o644, mtime: new Date() }, f.content);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The content of the first regular file in a tar stream (the engine's GET archive of one file). */
export async function firstFileOf(stream: NodeJS.ReadableStream): Promise<string | null> {
  const ex = extract();
  stream.pipe(ex);
  let content: string | null = null;
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (content === null && entry.header.type === "file") content = Buffer.concat(chunks).toString("utf8");
  }
  return content;
}
