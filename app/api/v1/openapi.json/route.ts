import { openApiDocument } from "@/server/contracts/openapi";
import { json, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async ({ req }) => json(openApiDocument(new URL(req.url).origin)));
