import type { Actor } from "../auth/authenticate";
import { cookieValue } from "../auth/authenticate";
import { sha256 } from "../auth/secrets";
import { SESSION_COOKIE } from "../auth/sessions";
import { db } from "../db/client";
import { log } from "../log";
import { actionOf, templateOf } from "./actions";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

type Params = Record<string, string | string[] | undefined>;

interface AuditActor {
  kind: "token" | "session" | "anonymous";
  /** For a session: the first characters of its stored hash, enough to tell sessions apart, useless to an attacker. */
  ref: string | null;
}

/** Who did it, as far as authentication proved it (a wrong token is "anonymous"). */
function auditActor(req: Request, actor: Actor | null): AuditActor {
  if (!actor) return { kind: "anonymous", ref: null };
  if (actor.kind === "token") return { kind: "token", ref: null };
  return { kind: "session", ref: sessionRef(cookieValue(req.headers.get("cookie"), SESSION_COOKIE)) };
}

function sessionRef(cookie: string | undefined): string | null {
  return cookie ? sha256(sha256(cookie)).slice(0, 12) : null;
}

/**
 * Called by the route wrapper for every API answer: a mutating request gets exactly one audit record,
 * whatever its outcome. A failure to record is logged, never turned into a failed request: the action
 * has already happened by then.
 */
export async function auditRequest(input: { req: Request; params: Params; actor: Actor | null; res: Response }): Promise<void> {
  const { req, params, res } = input;
  if (!MUTATING.has(req.method)) return;
  try {
    const pathname = new URL(req.url).pathname;
    const template = templateOf(pathname, params);
    const action = actionOf(req.method, template, params);
    const body = await jsonOf(res);
    const error = res.status >= 400 ? ((body as { error?: { code?: string; message?: string } } | null)?.error ?? null) : null;
    const environmentId = str(params.id) ?? (action === "environment.create" ? str((body as { id?: unknown } | null)?.id) : undefined);
    const revisionId = str((body as { revision?: { id?: unknown } | null } | null)?.revision?.id);
    // Sign-out is public (a stale cookie must be able to leave): its actor is the session it ended.
    const cookie = cookieValue(req.headers.get("cookie"), SESSION_COOKIE);
    const actor = action === "auth.sign-out" && cookie ? { kind: "session" as const, ref: sessionRef(cookie) } : auditActor(req, input.actor);
    await db().auditRecord.create({
      data: {
        actorKind: actor.kind,
        actorRef: actor.ref,
        action,
        method: req.method,
        path: pathname,
        environmentId: environmentId ?? null,
        nodeId: str(params.nodeId) ?? null,
        layer: str(params.layer) ?? null,
        target: await targetLabel(environmentId, str(params.nodeId), str(params.layer)),
        outcome: res.status < 400 ? "success" : "failure",
        status: res.status,
        errorCode: error?.code ?? null,
        errorMessage: safeMessage(error),
        revisionId: revisionId ?? null,
      },
    });
  } catch (err) {
    log.error({ err, method: req.method, url: req.url }, "could not write the audit record");
  }
}

/** A terminal session: one record opened at start and closed at its end (never the keystrokes). */
export async function auditTerminalStart(input: { environmentId: string; nodeId: string; cookie: string | undefined; path: string }): Promise<string | null> {
  try {
    const rec = await db().auditRecord.create({
      data: {
        actorKind: "session",
        actorRef: sessionRef(input.cookie),
        action: "terminal.session",
        method: "GET",
        path: input.path,
        environmentId: input.environmentId,
        nodeId: input.nodeId,
        target: await targetLabel(input.environmentId, input.nodeId, undefined),
        outcome: "running",
        status: 101,
      },
    });
    return rec.id;
  } catch (err) {
    log.error({ err }, "could not write the terminal's audit record");
    return null;
  }
}

export async function auditTerminalEnd(id: string | null, outcome: "success" | "failure", reason: string): Promise<void> {
  if (!id) return;
  try {
    await db().auditRecord.update({
      where: { id },
      data: { outcome, endedAt: new Date(), errorMessage: reason.slice(0, 500) },
    });
  } catch (err) {
    log.error({ err }, "could not close the terminal's audit record");
  }
}

/** Refused terminal attempts (no session, foreign origin) are mutating attempts too: one record each. */
export async function auditTerminalRefused(input: { path: string; environmentId?: string; nodeId?: string; status: number; code: string; message: string }): Promise<void> {
  try {
    await db().auditRecord.create({
      data: {
        actorKind: "anonymous",
        action: "terminal.session",
        method: "GET",
        path: input.path,
        environmentId: input.environmentId ?? null,
        nodeId: input.nodeId ?? null,
        target: await targetLabel(input.environmentId, input.nodeId, undefined),
        outcome: "failure",
        status: input.status,
        errorCode: input.code,
        errorMessage: input.message,
      },
    });
  } catch (err) {
    log.error({ err }, "could not write the terminal's audit record");
  }
}

async function targetLabel(envId: string | undefined, nodeId: string | undefined, layer: string | undefined): Promise<string> {
  if (!envId) return "phleet";
  const env = await db().environment.findUnique({ where: { id: envId }, select: { name: true } }).catch(() => null);
  const envName = env ? `environment ${env.name}` : `environment ${envId}`;
  if (nodeId) {
    const node = await db().node.findUnique({ where: { id: nodeId }, select: { hostname: true } }).catch(() => null);
    return `node ${node?.hostname ?? nodeId} of ${envName}`;
  }
  if (layer) return `${layer} layer of ${envName}`;
  return envName;
}

async function jsonOf(res: Response): Promise<unknown> {
  if (!(res.headers.get("content-type") ?? "").includes("json")) return null;
  try {
    return await res.clone().json();
  } catch {
    return null;
  }
}

/**
 * A config check's message can quote the refused file (a password line, say): the trail keeps only
 * that the node's tool refused it; the revision history and the API answer have the rest.
 */
function safeMessage(error: { code?: string; message?: string } | null): string | null {
  if (!error?.message) return null;
  if (error.code === "invalid_config") return "The node's own check refused the file";
  return error.message.slice(0, 500);
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
