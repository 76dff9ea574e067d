import { startRestore } from "@/server/databases/backups";
import { json, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

/** Restores the dump, all or nothing. Answers 202 with the task. */
export const POST = route<{ id: string; backupId: string }>(async ({ params }) => json(await startRestore(params.id, params.backupId), 202));
