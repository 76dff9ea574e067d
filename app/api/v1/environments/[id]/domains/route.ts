import { DomainsInput } from "@/server/contracts/https";
import { json, parseBody, route } from "@/server/http/route";
import { getDomains, putDomains } from "@/server/https/service";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => json(await getDomains(params.id)));

export const PUT = route<{ id: string }>(async ({ req, params }) => json(await putDomains(params.id, await parseBody(req, DomainsInput))));
