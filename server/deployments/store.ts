import fs from "node:fs";
import path from "node:path";
import { databaseUrl } from "../db/url";

/**
 * The control plane's copy of every release (its normalized tar), next to the database: new nodes
 * and re-activations are served from it, so nothing has to be fetched again.
 */
function releaseStoreDir(): string {
  const url = databaseUrl();
  const file = url.startsWith("file:") ? url.slice("file:".length) : "./data/phleet.db";
  const dir = path.join(path.dirname(path.resolve(/*turbopackIgnore: true*/ file)), "releases");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export const releaseTarPath = (deploymentId: string) => path.join(releaseStoreDir(), `${deploymentId}.tar`);

/** A scratch file in the store (same file system, so a rename is cheap); the caller removes it. */
export const scratchPath = (what: string) => path.join(releaseStoreDir(), `.${what}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);

/** Removes the control plane's copies of these releases (pruned ones, or those of a deleted environment). */
export function removeReleaseTars(deploymentIds: string[]): void {
  for (const id of deploymentIds) fs.rmSync(releaseTarPath(id), { force: true });
}
