import { json, route } from "@/server/http/route";
import { renewCertificate } from "@/server/https/service";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async ({ params }) => json(await renewCertificate(params.id), 202));
