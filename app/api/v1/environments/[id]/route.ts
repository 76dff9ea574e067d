import { DeleteEnvironmentQuery, ScaleEnvironmentInput } from "@/server/contracts/environment";
import { scaleAppServers } from "@/server/environments/scale";
import { deleteEnvironment, getEnvironment } from "@/server/environments/service";
import { json, parseBody, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => json(await getEnvironment(params.id)));

/** Deletes the environment; `?keepData=true` keeps its database volume. Answers 202; follow task.steps. */
export const DELETE = route<{ id: string }>(async ({ req, params }) => {
  const query = DeleteEnvironmentQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return json(await deleteEnvironment(params.id, undefined, { keepData: query.keepData === "true" }), 202);
});

/** Scales the app layer: {"appServer": {"count": N}}. Answers 202; follow task.steps. */
export const PATCH = route<{ id: string }>(async ({ req, params }) => {
  const input = await parseBody(req, ScaleEnvironmentInput);
  return json(await scaleAppServers(params.id, input.appServer.count), 202);
});
