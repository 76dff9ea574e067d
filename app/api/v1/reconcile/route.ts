import { runtime } from "@/server/runtime";
import { reconcile } from "@/server/environments/reconcile";
import { json, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

/** Runs reconciliation now (it also runs at start and every 20 s) and reports what it changed. */
export const POST = route(async () => json(await reconcile(runtime())));
