import { HostLabelsInput } from "@/server/contracts/hosts";
import { setHostLabels } from "@/server/hosts/service";
import { json, parseBody, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const PUT = route<{ hostId: string }>(async ({ req, params }) => json(await setHostLabels(params.hostId, await parseBody(req, HostLabelsInput))));
