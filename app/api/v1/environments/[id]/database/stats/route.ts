import { databaseStats } from "@/server/databases/stats";
import { json, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => json(await databaseStats(params.id)));
