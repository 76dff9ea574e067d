import { BackupSchedule } from "@/server/contracts/database";
import { listBackups, updateSchedule } from "@/server/databases/backups";
import { json, parseBody, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => json((await listBackups(params.id)).schedule));

/** {"daily": true, "hourUtc": 3, "retention": 7}: one dump a day at that hour, the newest `retention` kept. */
export const PUT = route<{ id: string }>(async ({ req, params }) => json(await updateSchedule(params.id, await parseBody(req, BackupSchedule))));
