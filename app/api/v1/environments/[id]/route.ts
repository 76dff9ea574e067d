import { deleteEnvironment, getEnvironment } from "@/server/environments/service";
import { json, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => json(await getEnvironment(params.id)));

export const DELETE = route<{ id: string }>(async ({ params }) => json(await deleteEnvironment(params.id), 202));
