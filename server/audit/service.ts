import type { AuditPage, AuditQuery, AuditRecord } from "../contracts/audit";
import { db } from "../db/client";
import { badRequest } from "../errors";

/** Newest first; the cursor is the id of the last record of the previous page. */
export async function listAudit(q: AuditQuery): Promise<AuditPage> {
  if (q.from && q.to && q.from > q.to) throw badRequest("'from' must not be after 'to'");
  const where = {
    ...(q.environmentId ? { environmentId: q.environmentId } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    ...(q.from || q.to ? { at: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } : {}),
  };
  if (q.cursor && !(await db().auditRecord.findUnique({ where: { id: q.cursor }, select: { id: true } }))) {
    throw badRequest(`Unknown cursor '${q.cursor}': pass the nextCursor of the previous page`);
  }
  const rows = await db().auditRecord.findMany({
    where,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, q.limit);
  return { items: page.map(toApi), nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null };
}

type Row = Awaited<ReturnType<ReturnType<typeof db>["auditRecord"]["findMany"]>>[number];

function toApi(r: Row): AuditRecord {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actor: { kind: r.actorKind as AuditRecord["actor"]["kind"], ref: r.actorRef },
    action: r.action,
    method: r.method,
    path: r.path,
    target: r.target,
    environmentId: r.environmentId,
    nodeId: r.nodeId,
    layer: r.layer,
    outcome: r.outcome as AuditRecord["outcome"],
    status: r.status,
    error: r.outcome === "failure" ? { code: r.errorCode, message: r.errorMessage } : null,
    note: r.outcome === "failure" ? null : r.errorMessage,
    revisionId: r.revisionId,
    endedAt: r.endedAt?.toISOString() ?? null,
  };
}
