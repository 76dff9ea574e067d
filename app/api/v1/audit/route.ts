import { AuditQuery } from "@/server/contracts/audit";
import { listAudit } from "@/server/audit/service";
import { json, parseQuery, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

/** The audit trail, newest first: ?environmentId=&action=&outcome=&from=&to=&limit=&cursor= */
export const GET = route(async ({ req }) => json(await listAudit(parseQuery(req, AuditQuery))));
