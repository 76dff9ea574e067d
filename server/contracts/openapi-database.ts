import { BackupSchedule, DatabaseBackup, DatabaseBackupList, DatabaseStats } from "./database";
import { DatabaseCredentials, DatabaseInfo, Task } from "./environment";

/**
 * OpenAPI paths of the database node's routes, to merge into openApiDocument()'s `paths`; `databaseSchemas`
 * go into its registry (each carries a meta id) so the `$ref`s below resolve.
 */

export const databaseSchemas = [DatabaseInfo, DatabaseCredentials, DatabaseBackup, DatabaseBackupList, BackupSchedule, DatabaseStats, Task] as const;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const param = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
const err = (description: string) => ({ description, content: { "application/json": { schema: ref("Error") } } });
const json = (description: string, id: string) => ({ description, content: { "application/json": { schema: ref(id) } } });
const common = { "401": err("Missing or wrong API token"), "404": err("No such environment, or it has no database node (code no_database)") };

export const databaseOpenApiPaths = {
  "/api/v1/environments/{id}/database/credentials": {
    parameters: [param("id")],
    get: {
      summary: "The database's host, port, name, user and password (the only answer that carries the password)",
      responses: { "200": json("The credentials", "DatabaseCredentials"), ...common },
    },
  },
  "/api/v1/environments/{id}/database/backups": {
    parameters: [param("id")],
    get: { summary: "The kept dumps, newest first, and the daily schedule", responses: { "200": json("Backups and schedule", "DatabaseBackupList"), ...common } },
    post: {
      summary: "Take a logical dump now (mariadb-dump / pg_dump), kept by the control plane; a recorded task",
      responses: { "202": json("The task; follow it on the environment", "Task"), ...common, "409": err("Another operation runs, or the database node is down") },
    },
  },
  "/api/v1/environments/{id}/database/backups/{backupId}/download": {
    parameters: [param("id"), param("backupId")],
    get: { summary: "The dump as plain SQL", responses: { "200": { description: "application/sql", content: { "application/sql": { schema: { type: "string" } } } }, ...common } },
  },
  "/api/v1/environments/{id}/database/backups/{backupId}/restore": {
    parameters: [param("id"), param("backupId")],
    post: {
      summary: "Restore the dump, all or nothing: a dump that does not load completely leaves the database as it was; a recorded task",
      responses: { "202": json("The task; follow it on the environment", "Task"), ...common, "409": err("Another operation runs, or the database node is down") },
    },
  },
  "/api/v1/environments/{id}/database/backup-schedule": {
    parameters: [param("id")],
    get: { summary: "The daily backup schedule", responses: { "200": json("The schedule", "BackupSchedule"), ...common } },
    put: {
      summary: "Set the daily backup hour (UTC) and how many dumps are kept (older ones are removed at once)",
      requestBody: { required: true, content: { "application/json": { schema: ref("BackupSchedule") } } },
      responses: { "200": json("The schedule", "BackupSchedule"), ...common, "422": err("A value is out of range") },
    },
  },
  "/api/v1/environments/{id}/database/stats": {
    parameters: [param("id")],
    get: { summary: "Connections, queries per second, slow queries, size on disk", responses: { "200": json("Live figures", "DatabaseStats"), ...common } },
  },
  "/api/v1/environments/{id}/nodes/{nodeId}/php-modules": {
    parameters: [param("id"), param("nodeId")],
    get: {
      summary: "`php -m` of an app server: the PHP and Zend extensions it loads",
      responses: {
        "200": { description: "Modules", content: { "application/json": { schema: { type: "object", properties: { php: { type: "array", items: { type: "string" } }, zend: { type: "array", items: { type: "string" } } } } } } },
        ...common,
        "409": err("The node is not running"),
      },
    },
  },
};
