import { listBackups, startBackup } from "@/server/databases/backups";
import { json, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => json(await listBackups(params.id)));

/** Takes a logical dump now. Answers 202 with the task; follow it on the environment. */
export const POST = route<{ id: string }>(async ({ params }) => json(await startBackup(params.id), 202));
