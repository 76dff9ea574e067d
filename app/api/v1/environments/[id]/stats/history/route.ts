import { HistoryQuery } from "@/server/contracts/stats";
import { json, parseQuery, route } from "@/server/http/route";
import { getHistory } from "@/server/stats/service";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ req, params }) => {
  const q = parseQuery(req, HistoryQuery);
  return json(await getHistory(params.id, q.hours));
});
