import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pack } from "tar-stream";
import { createGzip } from "node:zlib";

/**
 * Real third-party PHP for the deployment tests: Debian's adminer package (Apache-2.0/GPL, no database
 * needed to render its login page), fetched with apt-get and unpacked with dpkg-deb on first use, so a
 * fresh CI machine gets it too (`apt-get update` first when the package lists are missing).
 */
const CACHE = path.join(os.tmpdir(), "phleet-test-adminer");

export function adminerRoot(): string {
  const root = path.join(CACHE, "root", "usr", "share", "adminer");
  if (fs.existsSync(path.join(root, "adminer", "index.php"))) return root;
  fs.mkdirSync(CACHE, { recursive: true });
  const download = () => execFileSync("apt-get", ["download", "adminer"], { cwd: CACHE, stdio: "pipe" });
  try {
    download();
  } catch {
    execFileSync("apt-get", ["update"], { stdio: "pipe" });
    download();
  }
  const deb = fs.readdirSync(CACHE).find((f) => f.startsWith("adminer_") && f.endsWith(".deb"));
  if (!deb) throw new Error("apt-get download adminer left no .deb");
  execFileSync("dpkg-deb", ["-x", path.join(CACHE, deb), path.join(CACHE, "root")]);
  return root;
}

/** A tar.gz of a folder, made with the system tar (as a user would). */
export function tarGzOf(dir: string): Buffer {
  return execFileSync("tar", ["-C", dir, "-czf", "-", "."], { maxBuffer: 512 * 1024 * 1024 });
}

export function zipOf(dir: string): Buffer {
  const out = path.join(os.tmpdir(), `phleet-test-${process.pid}-${Date.now()}.zip`);
  execFileSync("zip", ["-qry", out, "."], { cwd: dir });
  const buf = fs.readFileSync(out);
  fs.rmSync(out);
  return buf;
}

export interface TarEntry {
  name: string;
  content?: string;
  type?: "file" | "directory" | "symlink" | "link";
  linkname?: string;
}

/** A tar built entry by entry (for archives no honest tool would make). */
export async function tarOf(entries: TarEntry[], gzip = false): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? "file", linkname: e.linkname, mode: e.type === "directory" ? 0o755 : 0o644 } as const;
    if (header.type === "file") p.entry(header, e.content ?? "");
    else p.entry(header);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  const src = gzip ? (p as unknown as NodeJS.ReadableStream).pipe(createGzip()) : (p as unknown as NodeJS.ReadableStream);
  for await (const c of src) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A copy of the demo app (counter and session pages) with a marker page, as a release for load tests. */
export function demoVariant(marker: string, extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-demo-"));
  const www = path.resolve("images/_shared/www");
  for (const f of fs.readdirSync(www)) fs.copyFileSync(path.join(www, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, "release.php"), `<?php header('Cache-Control: no-store'); echo ${JSON.stringify(marker)};\n`);
  for (const [name, content] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** The first entry's header rewritten to declare `bytes` unpacked (a bomb's shape: tiny archive, huge claim). */
export function declareSize(tar: Buffer, bytes: number): Buffer {
  const out = Buffer.from(tar);
  out.write(bytes.toString(8).padStart(11, "0") + "\0", 124, 12, "ascii");
  out.fill(" ", 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += out[i]!;
  out.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
  return out;
}
