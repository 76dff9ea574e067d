import type { LogEntry, LogPage, LogQuery } from "../contracts/logs";
import { NODE_ROLES } from "../contracts/environment";
import { db } from "../db/client";
import { notFound, unprocessable } from "../errors";
import { log } from "../log";
import { LABEL, runtime, type ContainerRuntime, type LogLine } from "../runtime";
import { compareLogTimestamps } from "../runtime/log-timestamps";
import { sleepOrAbort } from "../wait";
import { sourcesOf, type LogSourceDef } from "./sources";

/**
 * Logs of one node, or of a layer (its nodes merged by time, each line tagged with its node). Read
 * through the engine only (docker logs, archive, exec), so a stopped node's lines stay readable.
 */

export type LogScope = { envId: string; nodeId: string } | { envId: string; layer: string };

interface Target {
  node: { id: string; hostname: string };
  containerId: string | null;
  status: string;
}

export interface ResolvedLogs {
  source: LogSourceDef;
  sources: readonly LogSourceDef[];
  targets: Target[];
}

export async function resolveLogs(scope: LogScope, sourceId: string, rt: ContainerRuntime = runtime()): Promise<ResolvedLogs> {
  const env = await db().environment.findUnique({ where: { id: scope.envId }, include: { nodes: true } });
  if (!env) throw notFound("Environment", scope.envId);
  let nodes = env.nodes;
  if ("nodeId" in scope) {
    nodes = nodes.filter((n) => n.id === scope.nodeId);
    if (!nodes.length) throw notFound("Node", scope.nodeId);
  } else {
    if (!(NODE_ROLES as readonly string[]).includes(scope.layer)) throw notFound("Layer", scope.layer);
    nodes = nodes.filter((n) => n.role === scope.layer).sort((a, b) => a.ordinal - b.ordinal);
    if (!nodes.length) throw notFound("Layer", scope.layer);
  }
  const sources = sourcesOf(nodes[0]!.type);
  const source = sources.find((s) => s.id === sourceId);
  if (!source) {
    throw unprocessable(`Unknown log source '${sourceId}'; this ${"nodeId" in scope ? "node" : "layer"} has: ${sources.map((s) => s.id).join(", ")}`);
  }
  const targets = await Promise.all(
    nodes.map(async (n) => {
      const live = (await rt.listContainers({ [LABEL.node]: n.id }))[0];
      return { node: { id: n.id, hostname: n.hostname }, containerId: live?.id ?? null, status: live?.status ?? "missing" };
    }),
  );
  return { source, sources, targets };
}

type Filter = Pick<LogQuery, "stream" | "q">;

function keep(source: LogSourceDef, f: Filter, line: { stream: string; text: string }): boolean {
  const sel = source.select;
  if (sel.kind === "container") {
    if (sel.stream && line.stream !== sel.stream) return false;
    if (sel.match && !sel.match.test(line.text)) return false;
  }
  if (f.stream && line.stream !== f.stream && line.stream !== "file") return false;
  if (f.q && !line.text.toLowerCase().includes(f.q.toLowerCase())) return false;
  return true;
}

const filtered = (source: LogSourceDef, f: Filter) => !!(f.q || f.stream || (source.select.kind === "container" && (source.select.stream || source.select.match)));

/** The last `tail` matching lines (per node), oldest first; with `since`, only lines from then on. */
export async function readLogs(r: ResolvedLogs, q: Pick<LogQuery, "tail" | "since" | "stream" | "q">, rt: ContainerRuntime = runtime()): Promise<LogEntry[]> {
  const perNode = await Promise.all(
    r.targets.map(async (t): Promise<LogEntry[]> => {
      if (!t.containerId) return [];
      const entry = (l: { stream: LogEntry["stream"]; timestamp: string; text: string }): LogEntry => ({ t: l.timestamp, node: t.node, source: r.source.id, stream: l.stream, text: l.text });
      if (r.source.select.kind === "file") {
        const content = (await rt.readFile(t.containerId, r.source.select.path)) ?? "";
        const now = new Date().toISOString();
        return content
          .split("\n")
          .filter((text) => text.length > 0)
          .map((text) => entry({ stream: "file", timestamp: now, text }))
          .filter((e) => keep(r.source, q, e))
          .slice(-q.tail || Infinity);
      }
      // A filtered source reads further back, so "the last N access log lines" are N lines when there are.
      const engineTail = q.since ? undefined : filtered(r.source, q) ? Math.min(q.tail * 20 + 100, 100_000) : q.tail;
      const lines = await rt.readLogs(t.containerId, { tail: engineTail, since: q.since });
      const kept = lines.filter((l) => keep(r.source, q, l)).map(entry);
      return q.tail ? kept.slice(-q.tail) : q.since ? kept : [];
    }),
  );
  return perNode.flat().sort((a, b) => compareLogTimestamps(a.t, b.t));
}

export function logPage(r: ResolvedLogs, items: LogEntry[]): LogPage {
  return {
    sources: r.sources.map((s) => ({ id: s.id, title: s.title, description: s.description })),
    source: r.source.id,
    nodes: r.targets.map((t) => ({ ...t.node, status: t.status })),
    items,
  };
}

const REOPEN_MS = 1000;

/**
 * Follows every target until the signal aborts: new matching lines as they are written. A node that
 * stops or restarts is followed again from its last line, so nothing in between is lost.
 */
export async function followLogs(r: ResolvedLogs, f: Filter, cursors: Map<string, string>, onEntry: (e: LogEntry) => void, signal: AbortSignal, rt: ContainerRuntime = runtime()): Promise<void> {
  await Promise.all(
    r.targets.map(async (t) => {
      while (!signal.aborted) {
        const live = (await rt.listContainers({ [LABEL.node]: t.node.id }).catch(() => []))[0];
        if (live?.running) {
          try {
            if (r.source.select.kind === "file") await followFile(rt, live.id, r, t, f, onEntry, signal);
            else {
              const after = cursors.get(t.node.id);
              await rt.followLogs(
                live.id,
                (l: LogLine) => {
                  cursors.set(t.node.id, l.timestamp);
                  if (keep(r.source, f, l)) onEntry({ t: l.timestamp, node: t.node, source: r.source.id, stream: l.stream, text: l.text });
                },
                after ? { after, signal } : { tail: 0, signal },
              );
            }
          } catch (err) {
            log.debug({ err, node: t.node.hostname }, "log follow interrupted; reopening");
          }
        }
        if (!signal.aborted) await sleepOrAbort(REOPEN_MS, signal);
      }
    }),
  );
  log.info({ nodes: r.targets.map((t) => t.node.hostname), source: r.source.id }, "log follow ended: the client went away");
}

async function followFile(rt: ContainerRuntime, containerId: string, r: ResolvedLogs, t: Target, f: Filter, onEntry: (e: LogEntry) => void, signal: AbortSignal) {
  if (r.source.select.kind !== "file") return;
  const session = await rt.openExec(containerId, ["tail", "-n", "0", "-F", r.source.select.path], { tty: false, stdin: false });
  const stop = () => session.close();
  signal.addEventListener("abort", stop, { once: true });
  let buf = "";
  session.onData((chunk, stream) => {
    if (stream !== "stdout") return;
    buf += chunk.toString("utf8");
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const e: LogEntry = { t: new Date().toISOString(), node: t.node, source: r.source.id, stream: "file", text };
      if (keep(r.source, f, e)) onEntry(e);
    }
  });
  try {
    await session.exited;
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

