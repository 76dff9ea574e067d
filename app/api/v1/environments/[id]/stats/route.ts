import { StatsQuery } from "@/server/contracts/stats";
import { json, parseQuery, route } from "@/server/http/route";
import { getStats } from "@/server/stats/service";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ req, params }) => {
  const q = parseQuery(req, StatsQuery);
  return json(await getStats(params.id, q.window, q.step));
});
