import { listHosts } from "@/server/hosts/service";
import { json, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

/** `?joinCommand=true` adds the command that joins a new host (it holds the Swarm's join token). */
export const GET = route(async ({ req }) => json(await listHosts(undefined, { withJoinCommand: new URL(req.url).searchParams.get("joinCommand") === "true" })));
