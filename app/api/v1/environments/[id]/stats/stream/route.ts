import { StatsQuery } from "@/server/contracts/stats";
import { parseQuery, route } from "@/server/http/route";
import { getStats } from "@/server/stats/service";
import { statsEventStream } from "@/server/stats/sse";
import { prismaStatsStore } from "@/server/stats/store";
import { stillAuthorized } from "@/server/auth/still-authorized";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ req, params }) => {
  const q = parseQuery(req, StatsQuery);
  await getStats(params.id, 10); // 404 before the stream starts
  return new Response(statsEventStream(params.id, q.window, req.signal, prismaStatsStore, stillAuthorized(req)), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform keeps the response uncompressed, so events are not held back in a gzip buffer.
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
});
