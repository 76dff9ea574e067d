import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pack } from "tar-stream";
import type { ContainerRuntime } from "../runtime/types";
import { LABEL } from "../runtime/labels";

/** Node images are built locally from images/<name> (+ images/_shared), and rebuilt only when those files change. */

// The images folder is read at run time from the checkout, not bundled (hence the turbopackIgnore hints).
export const imagesDir = () =>
  path.resolve(/*turbopackIgnore: true*/ process.env.PHLEET_IMAGES_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), "images"));
/**
 * The tag is the content hash, so checkouts with different image files (two branches on one engine) each
 * run their own images, and a node is never created from an image older than its files.
 */
export const imageTag = (name: string) => `phleet/${name}:${contextHash(name)}`;

interface ContextFile {
  name: string; // path inside the build context
  abs: string;
  mode: number;
}

function walk(dir: string, prefix: string, out: ContextFile[]) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const abs = path.join(/*turbopackIgnore: true*/ dir, entry.name);
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(abs, name, out);
    else if (entry.isFile()) out.push({ name, abs, mode: fs.statSync(abs).mode & 0o777 });
  }
}

function contextFiles(name: string): ContextFile[] {
  const root = imagesDir();
  const own = path.join(/*turbopackIgnore: true*/ root, name);
  if (!fs.existsSync(path.join(own, "Dockerfile"))) throw new Error(`images/${name}/Dockerfile is missing`);
  const files: ContextFile[] = [];
  walk(own, "", files);
  const shared = path.join(/*turbopackIgnore: true*/ root, "_shared");
  if (fs.existsSync(shared)) walk(shared, "_shared", files);
  return files;
}

/** Content hash of a build context: names, modes and bytes. */
function contextHash(name: string): string {
  const h = crypto.createHash("sha256");
  for (const f of contextFiles(name)) {
    h.update(`${f.name}\0${(f.mode & 0o111) !== 0 ? "x" : "-"}\0`);
    h.update(fs.readFileSync(f.abs));
    h.update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

export function contextTar(name: string): NodeJS.ReadableStream {
  const p = pack();
  for (const f of contextFiles(name)) p.entry({ name: f.name, mode: f.mode }, fs.readFileSync(f.abs));
  p.finalize();
  return p as unknown as NodeJS.ReadableStream;
}

export type EnsureResult = "present" | "built";

/** Builds the image unless one with the same content hash exists. */
export async function ensureImage(rt: ContainerRuntime, name: string, onProgress?: (line: string) => void): Promise<EnsureResult> {
  const hash = contextHash(name);
  const labels = await rt.imageLabels(imageTag(name));
  if (labels?.[LABEL.imageHash] === hash) return "present";
  onProgress?.(`building ${imageTag(name)} (no image of these files yet)`);
  await rt.buildImage(contextTar(name), imageTag(name), { [LABEL.imageHash]: hash, [LABEL.managed]: "true" }, onProgress);
  return "built";
}

// Builds of the same image from concurrent provisioning tasks share one promise.
const g = globalThis as unknown as { __phleetBuilds?: Map<string, Promise<EnsureResult>> };
const builds = (g.__phleetBuilds ??= new Map());

export function ensureImageOnce(rt: ContainerRuntime, name: string, onProgress?: (line: string) => void): Promise<EnsureResult> {
  let p = builds.get(name);
  if (!p) {
    p = ensureImage(rt, name, onProgress).finally(() => builds.delete(name));
    builds.set(name, p);
  }
  return p;
}
