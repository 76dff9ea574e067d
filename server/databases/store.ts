import fs from "node:fs";
import path from "node:path";
import { databaseUrl } from "../db/url";

/** Where the control plane keeps database dumps: a `backups` folder next to its own SQLite file, one folder per environment. */

function backupsRoot(): string {
  const url = databaseUrl();
  const file = url.startsWith("file:") ? url.slice("file:".length) : null;
  const dataDir = file && file !== ":memory:" ? path.dirname(path.resolve(file)) : path.resolve("data");
  return path.join(dataDir, "backups");
}

function backupPath(envId: string, file: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(envId) || !/^[A-Za-z0-9_.-]+$/.test(file)) throw new Error("bad backup path");
  return path.join(backupsRoot(), envId, file);
}

export function writeBackup(envId: string, file: string, content: string): number {
  const p = backupPath(envId, file);
  fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o700 });
  const tmp = `${p}.partial`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, p); // a dump is either complete on disk or absent
  return fs.statSync(p).size;
}

export const readBackup = (envId: string, file: string): string => fs.readFileSync(backupPath(envId, file), "utf8");

export function removeBackupFile(envId: string, file: string): void {
  fs.rmSync(backupPath(envId, file), { force: true });
}

export function removeEnvironmentBackups(envId: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(envId)) return;
  fs.rmSync(path.join(backupsRoot(), envId), { recursive: true, force: true });
}
