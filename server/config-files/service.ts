import crypto from "node:crypto";
import type { z } from "zod";
import type { Actor } from "../auth/authenticate";
import {
  HEALTH_TIMEOUT,
  type ApplyMode,
  type RollbackConfigFileInput,
  type SaveConfigFileInput,
  type ConfigFile,
  type ConfigFileEntry,
  type ConfigFileList,
  type ConfigRevisionList,
  type InvalidConfigDetails,
  type SaveConfigFileResult,
} from "../contracts/config-files";
import { db, type RevisionRow } from "../db/client";
import { AppError, conflict, notFound } from "../errors";
import { runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";
import type { CatalogEntry } from "../node-kinds";
import { revisionsForNode } from "../nodes/desired-files";
import { probeHealthy } from "../nodes/health";
import { reloadAndWait } from "../nodes/reload";
import { acquire, assertNoOperation } from "../operations/lock";
import { catalogFor, checkRequestedPath, findEntry } from "./catalog";
import { BASELINE_MESSAGE, revisionsForLayer, revisionView, SYSTEM_AUTHOR } from "./revisions";
import { startRollingRestart } from "./rolling-restart";
import { resolveScope, scopeView, type ResolvedScope, type ScopeRef } from "./scope";
import { lineOfEdit } from "./edited-line";
import { checkOnNode } from "./validate";

/** The config editor's service: list, read, check-then-save, history, rollback (REST and UI share it). */

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

function entryView(e: CatalogEntry): ConfigFileEntry {
  return {
    id: e.id,
    path: e.path,
    label: e.label,
    tree: e.tree,
    language: e.language,
    description: e.description,
    readOnly: e.readOnly,
    reload: e.reload,
    validator: e.validatorLabel,
  };
}

function entryOf(scope: ResolvedScope, rawPath: unknown): CatalogEntry {
  const path = checkRequestedPath(rawPath);
  const entry = findEntry(scope.nodeType, path);
  if (!entry) {
    const editable = catalogFor(scope.nodeType).map((e) => e.path);
    throw new AppError("not_found", `'${path}' is not an editable file of a ${scope.nodeType} node`, 404, { editable });
  }
  return entry;
}

export async function listFiles(ref: ScopeRef): Promise<ConfigFileList> {
  const scope = await resolveScope(ref);
  return { scope: scopeView(scope), items: catalogFor(scope.nodeType).map(entryView) };
}

async function readAll(rt: ContainerRuntime, scope: ResolvedScope, path: string): Promise<(string | null)[]> {
  return Promise.all(scope.nodes.map((n) => rt.readFile(n.containerId, path)));
}

function fileView(scope: ResolvedScope, entry: CatalogEntry, contents: (string | null)[]): ConfigFile {
  const content = contents[0] ?? "";
  return {
    path: entry.path,
    entry: entryView(entry),
    scope: scopeView(scope),
    content,
    sha256: sha256(content),
    differs: scope.nodes.filter((_, i) => i > 0 && (contents[i] ?? "") !== content).map((n) => n.hostname),
  };
}

export async function readConfigFile(ref: ScopeRef, rawPath: unknown, rt: ContainerRuntime = runtime()): Promise<ConfigFile> {
  const scope = await resolveScope(ref);
  const entry = entryOf(scope, rawPath);
  return fileView(scope, entry, await readAll(rt, scope, entry.path));
}

export async function listRevisions(ref: ScopeRef, rawPath: unknown): Promise<ConfigRevisionList> {
  const scope = await resolveScope(ref);
  const entry = entryOf(scope, rawPath);
  const rows = await scopeRevisions(scope, entry.path);
  const hostnames = await hostnameMap(scope.envId);
  return { items: rows.slice(0, 100).map((r) => revisionView(r, hostnames)) };
}

function scopeRevisions(scope: ResolvedScope, path: string): Promise<RevisionRow[]> {
  return scope.kind === "node"
    ? revisionsForNode(scope.envId, { id: scope.nodeId!, role: scope.role }, path)
    : revisionsForLayer(scope.envId, scope.layer!, scope.nodes.map((n) => n.id), path);
}

async function hostnameMap(envId: string): Promise<Map<string, string>> {
  const nodes = await db().node.findMany({ where: { environmentId: envId }, select: { id: true, hostname: true } });
  return new Map(nodes.map((n) => [n.id, n.hostname]));
}

export async function saveConfigFile(
  ref: ScopeRef,
  rawPath: unknown,
  input: z.output<typeof SaveConfigFileInput>,
  actor: Actor | null,
  rt: ContainerRuntime = runtime(),
): Promise<SaveConfigFileResult> {
  return writeAndApply(ref, rawPath, { ...input, author: actor?.name ?? "api" }, rt);
}

export async function rollbackConfigFile(
  ref: ScopeRef,
  input: z.output<typeof RollbackConfigFileInput>,
  actor: Actor | null,
  rt: ContainerRuntime = runtime(),
): Promise<SaveConfigFileResult> {
  const scope = await resolveScope(ref);
  const entry = entryOf(scope, input.path);
  const revision = (await scopeRevisions(scope, entry.path)).find((r) => r.id === input.revisionId);
  if (!revision) throw notFound("Revision", input.revisionId);
  const when = revision.createdAt.toISOString().replace("T", " ").slice(0, 19);
  return writeAndApply(
    ref,
    entry.path,
    {
      content: revision.content,
      message: `Rollback to the revision of ${when} UTC by ${revision.author}${revision.message ? ` (${revision.message})` : ""}`,
      apply: input.apply,
      healthTimeoutMs: input.healthTimeoutMs,
      author: actor?.name ?? "api",
    },
    rt,
  );
}

interface WriteRequest {
  content: string;
  message?: string;
  baseSha256?: string;
  apply: "none" | "reload" | "restart";
  healthTimeoutMs?: number;
  author: string;
}

async function writeAndApply(ref: ScopeRef, rawPath: unknown, req: WriteRequest, rt: ContainerRuntime): Promise<SaveConfigFileResult> {
  // The operation under way is the reason to give, before anything it is changing (a node without its container yet).
  assertNoOperation(ref.envId);
  const scope = await resolveScope(ref);
  const entry = entryOf(scope, rawPath);
  if (entry.readOnly) throw conflict(`${entry.path} is managed by Phleet and cannot be saved from the editor`);
  if (req.apply === "reload" && entry.reload !== "graceful") {
    throw conflict(`${entry.label} takes effect on a restart only; save with apply "restart" (or restart the node)`);
  }

  const release = acquire(scope.envId, `saving ${entry.label}`);
  let handedOver = false;
  try {
    const before = await readAll(rt, scope, entry.path);
    const current = before[0] ?? "";
    if (req.baseSha256 && req.baseSha256 !== sha256(current)) {
      throw conflict(`${entry.label} changed on ${scope.nodes[0]!.hostname} since you opened it; reload it and apply your edit again`);
    }
    const unchanged = before.every((c) => (c ?? "") === req.content);
    let revision: RevisionRow | null = null;

    if (!unchanged) {
      await checkOnEveryNode(rt, scope, entry, current, req.content);
      await swapIn(rt, scope, entry.path, req.content, before);
      revision = await recordRevision(scope, entry.path, current, req.content, req.author, req.message, req.apply);
    }

    let task: SaveConfigFileResult["task"] = null;
    if (req.apply === "reload") {
      await reloadAll(rt, scope, entry, before, req.content, revision);
    } else if (req.apply === "restart") {
      handedOver = true;
      task = await startRollingRestart(rt, scope.envId, scope.nodes.map((n) => n.id), {
        healthTimeoutMs: req.healthTimeoutMs ?? HEALTH_TIMEOUT.default,
        release,
        kind: "config.restart",
      });
    }

    const after = await readAll(rt, scope, entry.path);
    const hostnames = await hostnameMap(scope.envId);
    return { file: fileView(scope, entry, after), revision: revision ? revisionView(revision, hostnames) : null, applied: req.apply, task };
  } finally {
    if (!handedOver) release();
  }
}

/**
 * Checks the content with the node's own tool on every target (in parallel: each node's copy of the
 * main config and its modules are what its check reads) and refuses it naming the nodes that failed and
 * the line the person edited, next to the line where the tool stopped.
 */
async function checkOnEveryNode(rt: ContainerRuntime, scope: ResolvedScope, entry: CatalogEntry, current: string, content: string): Promise<void> {
  const checks = await Promise.all(scope.nodes.map((n) => checkOnNode(rt, n.containerId, entry, content)));
  const failed = scope.nodes.map((n, i) => ({ node: n, check: checks[i]! })).filter((c) => !c.check.ok);
  const first = failed[0];
  if (!first) return;
  const toolLine = first.check.verdict?.line ?? null;
  const details: InvalidConfigDetails = {
    path: entry.path,
    hostname: first.node.hostname,
    hostnames: failed.map((f) => f.node.hostname),
    tool: first.check.tool,
    line: lineOfEdit(current, content, toolLine),
    toolLine,
    output: first.check.verdict?.message ?? "",
  };
  const tool = first.check.tool?.split(" ")[0] ?? "the check";
  const nodes = details.hostnames.length === scope.nodes.length && scope.nodes.length > 1 ? `on all ${scope.nodes.length} nodes (${listOf(details.hostnames)})` : `on ${listOf(details.hostnames)}`;
  const where = details.line === null ? "" : details.line === toolLine ? ` at line ${details.line}` : ` at line ${details.line}, the line you edited (${tool} stopped at line ${toolLine})`;
  throw new AppError("invalid_config", `${first.check.tool ?? "The check"} refused ${entry.label} ${nodes}${where}: ${details.output}`, 422, details);
}

const listOf = (names: string[]) => (names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`);

/** Writes the file on every target; if one write fails, the ones already written get their old copy back. */
async function swapIn(rt: ContainerRuntime, scope: ResolvedScope, path: string, content: string, before: (string | null)[]) {
  const written: number[] = [];
  try {
    for (const [i, n] of scope.nodes.entries()) {
      await rt.writeFiles(n.containerId, [{ path, content, mode: 0o644 }]);
      written.push(i);
    }
  } catch (err) {
    for (const i of written) {
      const old = before[i];
      if (old !== null && old !== undefined) await rt.writeFiles(scope.nodes[i]!.containerId, [{ path, content: old, mode: 0o644 }]).catch(() => undefined);
    }
    throw err;
  }
}

async function recordRevision(
  scope: ResolvedScope,
  path: string,
  previous: string,
  content: string,
  author: string,
  message: string | undefined,
  applyMode: ApplyMode,
): Promise<RevisionRow> {
  const where = { environmentId: scope.envId, nodeId: scope.nodeId, layer: scope.kind === "layer" ? scope.layer : null, path };
  const existing = await scopeRevisions(scope, path);
  return db().$transaction(async (tx) => {
    // The first change keeps the original, so "roll back" always has somewhere to go.
    // The original is what the nodes run: live already, like a reloaded save.
    if (!existing.length) await tx.fileRevision.create({ data: { ...where, content: previous, author: SYSTEM_AUTHOR, message: BASELINE_MESSAGE, applyMode: "reload" } });
    return tx.fileRevision.create({ data: { ...where, content, author, message: message ?? null, applyMode } });
  });
}

/**
 * Graceful reload of every target, then a probe of each: a node that stops answering gets the old
 * file back, is reloaded again, and the save is reported as rolled back.
 */
async function reloadAll(rt: ContainerRuntime, scope: ResolvedScope, entry: CatalogEntry, before: (string | null)[], content: string, revision: RevisionRow | null) {
  for (const n of scope.nodes) {
    const r = await reloadAndWait(rt, n.containerId, reloadOf(entry));
    const healthy = r.exitCode === 0 && (await probeHealthy(rt, n.containerId, n.type));
    if (healthy) continue;
    for (const [i, m] of scope.nodes.entries()) {
      const old = before[i];
      if (old !== null && old !== undefined && old !== content) await rt.writeFiles(m.containerId, [{ path: entry.path, content: old, mode: 0o644 }]);
    }
    for (const m of scope.nodes) await reloadAndWait(rt, m.containerId, reloadOf(entry)).catch(() => undefined);
    const why = r.exitCode !== 0 ? `the reload failed: ${(r.stderr || r.stdout).trim()}` : "it stopped passing its health check";
    if (revision) {
      await db().fileRevision.create({
        data: {
          environmentId: scope.envId,
          nodeId: scope.nodeId,
          layer: scope.kind === "layer" ? scope.layer : null,
          path: entry.path,
          content: before[0] ?? "",
          author: SYSTEM_AUTHOR,
          message: `Automatic rollback: ${n.hostname} ${why} after the reload`,
          applyMode: "reload", // written back and reloaded on every node above
        },
      });
    }
    throw new AppError("rolled_back", `${entry.label} was rolled back: after the graceful reload ${n.hostname} ${why}`, 409);
  }
}

const reloadOf = (entry: CatalogEntry) => ({ reloadCmd: entry.reloadCmd!, reloadProcess: entry.reloadProcess! });
