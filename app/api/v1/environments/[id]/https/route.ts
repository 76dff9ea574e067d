import { HttpsOptionsInput } from "@/server/contracts/https";
import { json, parseBody, route } from "@/server/http/route";
import { getCertificate, putHttpsOptions } from "@/server/https/service";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => json(await getCertificate(params.id)));

export const PUT = route<{ id: string }>(async ({ req, params }) => json(await putHttpsOptions(params.id, await parseBody(req, HttpsOptionsInput))));
