import { NodeAction } from "@/server/contracts/environment";
import { nodeAction } from "@/server/environments/service";
import { notFound } from "@/server/errors";
import { json, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string; nodeId: string; action: string }>(async ({ params }) => {
  const action = NodeAction.safeParse(params.action);
  if (!action.success) throw notFound("Node action", params.action);
  return json(await nodeAction(params.id, params.nodeId, action.data));
});
