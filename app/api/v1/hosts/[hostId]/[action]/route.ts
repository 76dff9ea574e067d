import { HostAction } from "@/server/contracts/hosts";
import { notFound } from "@/server/errors";
import { hostAction } from "@/server/hosts/service";
import { json, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const POST = route<{ hostId: string; action: string }>(async ({ params }) => {
  const action = HostAction.safeParse(params.action);
  if (!action.success) throw notFound("Host action", params.action);
  return json(await hostAction(params.hostId, action.data));
});
