import { TrafficInput } from "@/server/contracts/stats";
import { json, parseBody, route } from "@/server/http/route";
import { getTraffic, startTraffic } from "@/server/stats/traffic";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async ({ req, params }) => {
  const input = await parseBody(req, TrafficInput);
  return json(await startTraffic(params.id, input), 202);
});

export const GET = route<{ id: string }>(async ({ params }) => json(await getTraffic(params.id)));
