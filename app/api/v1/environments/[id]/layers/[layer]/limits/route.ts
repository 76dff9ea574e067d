import { ResourceLimits } from "@/server/contracts/limits";
import { json, parseBody, route } from "@/server/http/route";
import { getLayerLimits, setLayerLimits } from "@/server/environments/limits-service";

export const dynamic = "force-dynamic";

type Params = { id: string; layer: string };

export const GET = route<Params>(async ({ params }) => json(await getLayerLimits(params.id, params.layer)));

/** PUT {memoryMb, cpus, pids}: applied to the layer's running nodes in place, then recorded. */
export const PUT = route<Params>(async ({ req, params }) => {
  const input = await parseBody(req, ResourceLimits);
  return json(await setLayerLimits(params.id, params.layer, input));
});
