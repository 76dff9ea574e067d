import { CreateEnvironmentInput } from "@/server/contracts/environment";
import { createEnvironment, listEnvironments } from "@/server/environments/service";
import { json, parseBody, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async () => json({ items: await listEnvironments() }));

export const POST = route(async ({ req }) => {
  const input = await parseBody(req, CreateEnvironmentInput);
  return json(await createEnvironment(input), 202);
});
