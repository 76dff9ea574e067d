import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract, pack, type Pack } from "tar-stream";
import yauzl from "yauzl";
import { AppError } from "../errors";

/**
 * Turns an uploaded archive (zip, tar, tar.gz) into one checked, normalized tar of the release, with
 * every entry under `<releaseDir>/`, ready for the engine's archive API. Nothing reaches a node before
 * this has accepted the whole archive: a refusal changes nothing anywhere.
 */

export type ArchiveKind = "zip" | "tar" | "tgz";

export interface ArchiveLimits {
  maxEntries: number;
  maxUnpackedBytes: number;
}

export interface NormalizedRelease {
  fileCount: number;
  unpackedBytes: number;
  /** Every folder of the release (relative, "" for the root), to check the docroot against. */
  dirs: Set<string>;
}

const unsafe = (message: string) => new AppError("unsafe_archive", message, 422);
const corrupt = (message: string) => new AppError("invalid_archive", `The archive could not be read: ${message}`, 422);
const tooBig = (message: string) => new AppError("archive_too_large", message, 413);

/** A relative, normalized path inside the release, or an error naming the entry. */
export function safeEntryPath(raw: string): string {
  if (raw.includes("\0")) throw unsafe(`Entry ${JSON.stringify(raw)} has a NUL byte in its name`);
  const name = raw.replace(/\\/g, "/");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) throw unsafe(`Entry '${raw}' has an absolute path; every path must stay inside the release`);
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === "..")) throw unsafe(`Entry '${raw}' contains '..'; every path must stay inside the release`);
  return parts.join("/");
}

/** A link target, resolved from the link's folder, must stay inside the release. */
export function checkLinkTarget(entry: string, target: string, kind: "symlink" | "hard link"): string {
  if (target.startsWith("/")) throw unsafe(`The ${kind} '${entry}' points to the absolute path '${target}', outside the release`);
  const base = kind === "symlink" ? path.posix.dirname(entry) : "";
  const resolved = path.posix.normalize(path.posix.join(base, target));
  if (resolved === ".." || resolved.startsWith("../") || path.posix.isAbsolute(resolved)) {
    throw unsafe(`The ${kind} '${entry}' points to '${target}', outside the release`);
  }
  return resolved;
}

class Normalizer {
  readonly out: Pack = pack();
  readonly dirs = new Set<string>([""]);
  private readonly files = new Set<string>();
  fileCount = 0;
  unpackedBytes = 0;
  private entries = 0;

  constructor(
    private readonly prefix: string,
    readonly limits: ArchiveLimits,
  ) {}

  private count(name: string) {
    if (++this.entries > this.limits.maxEntries) throw tooBig(`The archive has more than ${this.limits.maxEntries} entries (the limit); '${name}' is one too many`);
  }

  private addParents(rel: string) {
    for (let d = path.posix.dirname(rel); d !== "." && !this.dirs.has(d); d = path.posix.dirname(d)) this.dirs.add(d);
  }

  dir(rel: string) {
    this.count(rel);
    if (!rel) return;
    this.dirs.add(rel);
    this.addParents(rel);
    this.out.entry({ name: `${this.prefix}/${rel}/`, type: "directory", mode: 0o755 });
  }

  symlink(rel: string, target: string) {
    this.count(rel);
    checkLinkTarget(rel, target, "symlink");
    this.addParents(rel);
    this.out.entry({ name: `${this.prefix}/${rel}`, type: "symlink", linkname: target, mode: 0o777 });
  }

  hardlink(rel: string, target: string) {
    this.count(rel);
    const to = checkLinkTarget(rel, target, "hard link");
    if (!this.files.has(to)) throw unsafe(`The hard link '${rel}' points to '${target}', which is not a file of the release`);
    this.addParents(rel);
    this.out.entry({ name: `${this.prefix}/${rel}`, type: "link", linkname: `${this.prefix}/${to}`, mode: 0o644 });
  }

  /** Copies one file's bytes, counting them against the unpacked-size limit as they come. */
  async file(rel: string, size: number, mode: number, content: NodeJS.ReadableStream) {
    this.count(rel);
    if (!rel) throw unsafe("An entry has an empty name");
    if (this.unpackedBytes + size > this.limits.maxUnpackedBytes) throw tooBig(`Unpacked, the archive is larger than the limit of ${mb(this.limits.maxUnpackedBytes)}`);
    this.addParents(rel);
    this.files.add(rel);
    this.fileCount++;
    const executable = (mode & 0o111) !== 0;
    let seen = 0;
    const limit = this.limits.maxUnpackedBytes;
    const already = this.unpackedBytes;
    const sink = this.out.entry({ name: `${this.prefix}/${rel}`, type: "file", size, mode: executable ? 0o755 : 0o644 });
    await pipeline(
      content,
      async function* (source: AsyncIterable<string | Buffer>) {
        for await (const chunk of source) {
          seen += chunk.length;
          if (seen > size) throw corrupt(`'${rel}' holds more bytes than its header says`);
          if (already + seen > limit) throw tooBig(`Unpacked, the archive is larger than the limit of ${mb(limit)}`);
          yield chunk;
        }
      },
      sink,
    );
    if (seen !== size) throw corrupt(`'${rel}' is truncated`);
    this.unpackedBytes += size;
  }
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

/**
 * Reads `input` (an archive of `kind`) and writes the normalized release tar to `output`.
 * Throws an AppError (413/422) naming what is wrong; `output` is removed then.
 */
export async function normalizeArchive(input: string, kind: ArchiveKind, output: string, releaseDir: string, limits: ArchiveLimits): Promise<NormalizedRelease> {
  const n = new Normalizer(releaseDir, limits);
  const written = pipeline(n.out as unknown as NodeJS.ReadableStream, fs.createWriteStream(output));
  written.catch(() => undefined);
  try {
    if (kind === "zip") await readZip(input, n);
    else await readTar(fs.createReadStream(input), kind === "tgz", n);
    n.out.finalize();
    await written;
    return { fileCount: n.fileCount, unpackedBytes: n.unpackedBytes, dirs: n.dirs };
  } catch (err) {
    n.out.destroy();
    await written.catch(() => undefined);
    fs.rmSync(output, { force: true });
    if (err instanceof AppError) throw err;
    throw corrupt(err instanceof Error ? err.message : String(err));
  }
}

/** A tar stream (plain, or gzip when `gzip`) through the normalizer; also used for `git archive` output. */
export async function readTar(source: NodeJS.ReadableStream, gzip: boolean, n: Normalizer): Promise<void> {
  const ex = extract();
  const feeding = gzip ? pipeline(source, createGunzip(), ex) : pipeline(source, ex);
  feeding.catch(() => undefined);
  let sawEntry = false;
  for await (const entry of ex) {
    sawEntry = true;
    const h = entry.header;
    const rel = safeEntryPath(h.name);
    switch (h.type) {
      case "file":
      case "contiguous-file":
        await n.file(rel, h.size ?? 0, h.mode ?? 0o644, entry as unknown as NodeJS.ReadableStream);
        break;
      case "directory":
        n.dir(rel);
        entry.resume();
        break;
      case "symlink":
        n.symlink(rel, h.linkname ?? "");
        entry.resume();
        break;
      case "link":
        n.hardlink(rel, safeEntryPath(h.linkname ?? ""));
        entry.resume();
        break;
      default:
        throw unsafe(`Entry '${h.name}' is a ${h.type}; a release holds only files, folders and links`);
    }
  }
  await feeding;
  if (!sawEntry) throw corrupt("it holds no entries");
}

async function readZip(file: string, n: Normalizer): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    // validateEntrySizes: a header that lies about the unpacked size (a zip bomb) fails while reading.
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  try {
    if (zip.entryCount > n.limits.maxEntries) throw tooBig(`The archive has ${zip.entryCount} entries; the limit is ${n.limits.maxEntries}`);
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => {
          cleanup();
          resolve(e);
        };
        const onEnd = () => {
          cleanup();
          resolve(null);
        };
        const onError = (e: Error) => {
          cleanup();
          reject(e);
        };
        const cleanup = () => {
          zip.off("entry", onEntry);
          zip.off("end", onEnd);
          zip.off("error", onError);
        };
        zip.on("entry", onEntry);
        zip.on("end", onEnd);
        zip.on("error", onError);
        zip.readEntry();
      });
      if (!entry) break;
      const rel = safeEntryPath(entry.fileName);
      const mode = (entry.externalFileAttributes >>> 16) & 0o177777;
      const type = mode & 0o170000;
      if (entry.fileName.endsWith("/") || type === 0o040000) {
        n.dir(rel);
        continue;
      }
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
      if (type === 0o120000) {
        if (entry.uncompressedSize > 4096) throw unsafe(`The symlink '${entry.fileName}' has an implausible target`);
        const chunks: Buffer[] = [];
        for await (const c of stream) chunks.push(c as Buffer);
        n.symlink(rel, Buffer.concat(chunks).toString("utf8"));
        continue;
      }
      if (type !== 0 && type !== 0o100000) throw unsafe(`Entry '${entry.fileName}' is not a file, folder or link`);
      await n.file(rel, entry.uncompressedSize, mode & 0o777, stream);
    }
  } finally {
    zip.close();
  }
}

export { Normalizer };

/** sha256 and size of a file, streamed. */
export async function digestOf(file: string): Promise<{ sha256: string; sizeBytes: number }> {
  const h = crypto.createHash("sha256");
  let sizeBytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    h.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest("hex"), sizeBytes };
}
