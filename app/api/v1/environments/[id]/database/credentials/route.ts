import { databaseCredentials } from "@/server/databases/credentials";
import { json, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

/** The only answer that carries the database password. */
export const GET = route<{ id: string }>(async ({ params }) => json(await databaseCredentials(params.id)));
