import { z } from "zod";

/** The audit trail's API shapes: one record per mutating action or terminal session. */

const AUDIT_OUTCOMES = ["success", "failure", "running"] as const;
const AUDIT_ACTOR_KINDS = ["token", "session", "anonymous"] as const;

export const AuditRecord = z
  .object({
    id: z.string(),
    at: z.string().describe("When the action ended (ISO 8601); for a terminal session, when it started"),
    actor: z.object({
      kind: z.enum(AUDIT_ACTOR_KINDS),
      ref: z.string().nullable().describe("For a dashboard session: a short reference that tells sessions apart"),
    }),
    action: z.string().describe("environment.create, node.stop, config.save, terminal.session, ..."),
    method: z.string(),
    path: z.string(),
    target: z.string(),
    environmentId: z.string().nullable(),
    nodeId: z.string().nullable(),
    layer: z.string().nullable(),
    outcome: z.enum(AUDIT_OUTCOMES),
    status: z.number().int(),
    error: z.object({ code: z.string().nullable(), message: z.string().nullable() }).nullable(),
    note: z.string().nullable().describe("Why a terminal session ended (signed out, idle timeout, shell exited, ...)"),
    revisionId: z.string().nullable().describe("The config revision a save or rollback made"),
    endedAt: z.string().nullable().describe("When a terminal session ended"),
  })
  .meta({ id: "AuditRecord" });
export type AuditRecord = z.infer<typeof AuditRecord>;

export const AuditPage = z
  .object({
    items: z.array(AuditRecord),
    nextCursor: z.string().nullable().describe("Pass as `cursor` for the next (older) page; null on the last page"),
  })
  .meta({ id: "AuditPage" });
export type AuditPage = z.infer<typeof AuditPage>;

const isoTime = (name: string) =>
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), `${name} must be a date and time (ISO 8601)`)
    .transform((s) => new Date(s))
    .optional();

export const AuditQuery = z
  .object({
    environmentId: z.string().min(1).optional(),
    action: z.string().min(1).max(100).optional(),
    outcome: z.enum(AUDIT_OUTCOMES, { error: `outcome must be one of: ${AUDIT_OUTCOMES.join(", ")}` }).optional(),
    from: isoTime("from"),
    to: isoTime("to"),
    limit: z.coerce.number().int().min(1, "limit must be 1-200").max(200, "limit must be 1-200").default(50),
    cursor: z.string().min(1).optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuery>;
