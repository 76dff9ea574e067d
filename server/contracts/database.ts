import { z } from "zod";

/** The database node's API shapes: backups, their schedule, live statistics. */

export const DatabaseBackup = z
  .object({
    id: z.string(),
    file: z.string().describe("File name of the dump (mariadb-dump / pg_dump plain SQL)"),
    sizeBytes: z.number().int(),
    trigger: z.enum(["manual", "schedule"]),
    createdAt: z.string(),
  })
  .meta({ id: "DatabaseBackup" });
export type DatabaseBackup = z.infer<typeof DatabaseBackup>;

export const BackupSchedule = z
  .object({
    daily: z.boolean({ error: "daily must be true or false" }),
    hourUtc: z.number({ error: "hourUtc must be a whole hour from 0 to 23" }).int("hourUtc must be a whole hour from 0 to 23").min(0, "hourUtc must be at least 0").max(23, "hourUtc must be at most 23"),
    retention: z
      .number({ error: "retention must be a whole number from 1 to 90" })
      .int("retention must be a whole number from 1 to 90")
      .min(1, "retention must be at least 1")
      .max(90, "retention must be at most 90"),
  })
  .strict()
  .meta({ id: "BackupSchedule" });
export type BackupSchedule = z.infer<typeof BackupSchedule>;

export const DatabaseBackupList = z.object({ items: z.array(DatabaseBackup), schedule: BackupSchedule }).meta({ id: "DatabaseBackupList" });
export type DatabaseBackupList = z.infer<typeof DatabaseBackupList>;

export const DatabaseStats = z
  .object({
    up: z.boolean(),
    connections: z.number().int(),
    queriesPerSecond: z.number().nullable().describe("From the change of the server's query counter since the previous reading"),
    slowQueries: z.number().int().describe("MariaDB: Slow_queries since start (long_query_time); PostgreSQL: queries running longer than 2 s now"),
    sizeBytes: z.number().int().describe("Size of the application's database on disk"),
    at: z.string(),
  })
  .meta({ id: "DatabaseStats" });
export type DatabaseStats = z.infer<typeof DatabaseStats>;
