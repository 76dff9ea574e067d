import crypto from "node:crypto";
import type { DatabaseBackup, DatabaseBackupList, BackupSchedule } from "../contracts/database";
import { db } from "../db/client";
import { AppError, notFound } from "../errors";
import { log } from "../log";
import { databaseOf } from "../node-kinds";
import { acquire, waitAndRun } from "../operations/lock";
import { LABEL } from "../runtime/labels";
import { runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";
import { createTask, runTask, type TaskContext } from "../tasks/runner";
import { taskView } from "../tasks/view";
import { readBackup, removeBackupFile, writeBackup } from "./store";

/**
 * Logical backups of an environment's database: a dump (mariadb-dump / pg_dump) taken through the engine's
 * exec and kept by the control plane; a restore that is all or nothing (the kind's restore command loads
 * into a scratch database or one transaction); a daily schedule with a retention count.
 */

const BACKUP_STEPS = [
  { key: "dump", title: "Dump the database" },
  { key: "store", title: "Keep the dump" },
  { key: "prune", title: "Apply the retention count" },
];

const RESTORE_STEPS = [
  { key: "check", title: "Check the dump is complete" },
  { key: "restore", title: "Load it, all or nothing" },
];

/** The database record, its node and live container; 404/409 a person can act on. */
async function target(envId: string, rt: ContainerRuntime) {
  const env = await db().environment.findUnique({ where: { id: envId }, include: { database: true, nodes: { where: { role: "database" } } } });
  if (!env) throw notFound("Environment", envId);
  if (!env.database || !env.nodes[0]) throw new AppError("no_database", `Environment '${env.name}' has no database node`, 404);
  if (env.status !== "running") throw new AppError("conflict", `The environment is ${env.status}; try again when it is running`, 409);
  const node = env.nodes[0];
  const live = (await rt.listContainers({ [LABEL.node]: node.id }))[0];
  if (!live?.running) throw new AppError("node_down", `The database node ${node.hostname} is not running`, 409);
  return { env, database: env.database, node, containerId: live.id };
}

function backupView(b: { id: string; file: string; sizeBytes: number; trigger: string; createdAt: Date }): DatabaseBackup {
  return { id: b.id, file: b.file, sizeBytes: b.sizeBytes, trigger: b.trigger as DatabaseBackup["trigger"], createdAt: b.createdAt.toISOString() };
}

export async function listBackups(envId: string): Promise<DatabaseBackupList> {
  const record = await db().database.findUnique({ where: { environmentId: envId }, include: { backups: { orderBy: { createdAt: "desc" } } } });
  if (!record) {
    if (!(await db().environment.findUnique({ where: { id: envId } }))) throw notFound("Environment", envId);
    throw new AppError("no_database", "This environment has no database node", 404);
  }
  return {
    items: record.backups.map(backupView),
    schedule: { daily: record.backupDaily, hourUtc: record.backupHourUtc, retention: record.backupRetention },
  };
}

/** The dump itself, for a download. */
export async function backupContent(envId: string, backupId: string): Promise<{ file: string; content: string }> {
  const b = await db().databaseBackup.findFirst({ where: { id: backupId, environmentId: envId } });
  if (!b) throw notFound("Backup", backupId);
  return { file: b.file, content: readBackup(envId, b.file) };
}

/** The dump work, for a caller that holds the environment's lock. */
async function dumpAndKeep(rt: ContainerRuntime, ctx: TaskContext, envId: string, trigger: "manual" | "schedule"): Promise<string> {
  const t = await target(envId, rt);
  const kind = databaseOf(t.node.type);
  const dump = await ctx.step("dump", async (progress) => {
    const r = await rt.exec(t.containerId, kind.dumpCommand(t.database.name), { timeoutMs: 10 * 60_000 });
    if (r.exitCode !== 0) throw new Error(`the dump failed (exit ${r.exitCode}): ${r.stderr.trim().slice(0, 400)}`);
    if (!kind.dumpTrailer.test(r.stdout.slice(-400))) throw new Error("the dump is incomplete (no end marker)");
    progress(`${Buffer.byteLength(r.stdout)} bytes`);
    return r.stdout;
  });
  const id = await ctx.step("store", async (progress) => {
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
    const file = `${t.database.name}-${stamp}-${crypto.randomBytes(3).toString("hex")}.sql`;
    const sizeBytes = writeBackup(envId, file, dump);
    const row = await db().databaseBackup.create({ data: { environmentId: envId, file, sizeBytes, trigger } });
    progress(file);
    return row.id;
  });
  await ctx.step("prune", async (progress) => progress(await prune(envId, t.database.backupRetention)));
  return id;
}

/** Keeps the newest `retention` dumps; older ones go from the list and the disk. */
async function prune(envId: string, retention: number): Promise<string> {
  const all = await db().databaseBackup.findMany({ where: { environmentId: envId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  const old = all.slice(retention);
  for (const b of old) {
    await db().databaseBackup.delete({ where: { id: b.id } });
    removeBackupFile(envId, b.file);
  }
  return old.length ? `${old.length} older dump${old.length > 1 ? "s" : ""} removed (keeping ${retention})` : `keeping ${all.length} of at most ${retention}`;
}

/** POST .../database/backups: a recorded task; answers at once with it. */
export async function startBackup(envId: string, rt: ContainerRuntime = runtime()) {
  await target(envId, rt);
  const release = acquire(envId, "taking a database backup");
  try {
    const task = await createTask("database.backup", envId, BACKUP_STEPS);
    void runTask(task.id, async (ctx) => void (await dumpAndKeep(rt, ctx, envId, "manual"))).finally(release);
    return taskView({ ...(await db().task.findUniqueOrThrow({ where: { id: task.id }, include: { steps: true } })) });
  } catch (err) {
    release();
    throw err;
  }
}

/** POST .../backups/{id}/restore: a recorded task; a dump that does not load leaves the database as it was. */
export async function startRestore(envId: string, backupId: string, rt: ContainerRuntime = runtime()) {
  const t = await target(envId, rt);
  const b = await db().databaseBackup.findFirst({ where: { id: backupId, environmentId: envId } });
  if (!b) throw notFound("Backup", backupId);
  const kind = databaseOf(t.node.type);
  const release = acquire(envId, "restoring a database backup");
  try {
    const task = await createTask("database.restore", envId, RESTORE_STEPS);
    void runTask(task.id, async (ctx) => {
      const content = await ctx.step("check", async (progress) => {
        const text = readBackup(envId, b.file);
        if (!kind.dumpTrailer.test(text.slice(-400))) throw new Error(`${b.file} is incomplete (no end marker): nothing was changed`);
        progress(`${b.file}, ${Buffer.byteLength(text)} bytes`);
        return text;
      });
      await ctx.step("restore", async (progress) => {
        const staged = `/tmp/phleet-restore-${crypto.randomBytes(6).toString("hex")}.sql`;
        try {
          await rt.writeFiles(t.containerId, [{ path: staged, content, mode: 0o644 }]);
          const r = await rt.exec(t.containerId, kind.restoreCommand(t.database.name, staged), { timeoutMs: 30 * 60_000 });
          if (r.exitCode !== 0) throw new Error(`the dump did not load, the database is unchanged: ${r.stderr.trim().slice(-600) || `exit ${r.exitCode}`}`);
        } finally {
          await rt.exec(t.containerId, ["rm", "-f", staged], { timeoutMs: 10_000 }).catch(() => undefined);
        }
        progress(`restored ${b.file}`);
      });
    }).finally(release);
    return taskView({ ...(await db().task.findUniqueOrThrow({ where: { id: task.id }, include: { steps: true } })) });
  } catch (err) {
    release();
    throw err;
  }
}

export async function updateSchedule(envId: string, input: BackupSchedule): Promise<BackupSchedule> {
  const record = await db().database.findUnique({ where: { environmentId: envId } });
  if (!record) {
    if (!(await db().environment.findUnique({ where: { id: envId } }))) throw notFound("Environment", envId);
    throw new AppError("no_database", "This environment has no database node", 404);
  }
  const r = await db().database.update({
    where: { environmentId: envId },
    data: { backupDaily: input.daily, backupHourUtc: input.hourUtc, backupRetention: input.retention },
  });
  await prune(envId, r.backupRetention);
  return { daily: r.backupDaily, hourUtc: r.backupHourUtc, retention: r.backupRetention };
}

/** Whether a daily backup is due: the hour has come today (UTC) and none was taken by the schedule since. */
export function dailyBackupDue(now: Date, hourUtc: number, lastScheduled: Date | null): boolean {
  const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  if (now < slot) return false;
  return !lastScheduled || lastScheduled < slot;
}

/** One round of the schedule (background/index.ts runs it every few minutes). */
async function runScheduledBackups(rt: ContainerRuntime = runtime(), now = new Date()): Promise<number> {
  let started = 0;
  const records = await db().database.findMany({ where: { backupDaily: true, environment: { status: "running" } } });
  for (const r of records) {
    const last = await db().databaseBackup.findFirst({ where: { environmentId: r.environmentId, trigger: "schedule" }, orderBy: { createdAt: "desc" } });
    // A database created after today's hour gets its first daily backup at the next one, not at once (a backup
    // minutes after creation took the environment's lock in the middle of the user's first operations).
    if (!dailyBackupDue(now, r.backupHourUtc, last?.createdAt ?? r.createdAt)) continue;
    started++;
    const task = await createTask("database.backup", r.environmentId, BACKUP_STEPS);
    await waitAndRun(r.environmentId, "taking the daily database backup", () =>
      runTask(task.id, async (ctx) => void (await dumpAndKeep(rt, ctx, r.environmentId, "schedule"))),
    ).catch((err) => log.warn({ envId: r.environmentId, err: (err as Error).message }, "daily database backup failed"));
  }
  return started;
}

/** The daily schedule's loop: checks every few minutes which databases are due. */
export async function backupScheduleForever(rt: ContainerRuntime, everyMs = 5 * 60_000): Promise<void> {
  for (;;) {
    await runScheduledBackups(rt).catch((err) => log.warn({ err: (err as Error).message }, "database backup schedule round failed"));
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
