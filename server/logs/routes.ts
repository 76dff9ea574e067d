import { LogQuery, type LogEntry } from "../contracts/logs";
import { json, parseQuery, route } from "../http/route";
import { followLogs, logPage, readLogs, resolveLogs, type LogScope, type ResolvedLogs } from "./service";

/**
 * GET .../nodes/{nodeId}/logs and .../layers/{layer}/logs: one handler for both scopes.
 * JSON (the last lines), text (a download), or with follow=true server-sent events that start with
 * the last lines and go on until the client goes away.
 */

type Params = { id: string; nodeId: string } | { id: string; layer: string };

const scopeOf = (p: Params): LogScope => ("nodeId" in p ? { envId: p.id, nodeId: p.nodeId } : { envId: p.id, layer: p.layer });

export const logsGet = route<Params>(async ({ req, params }) => {
  const q = parseQuery(req, LogQuery);
  const resolved = await resolveLogs(scopeOf(params), q.source);
  const readFrom = new Date().toISOString();
  const items = await readLogs(resolved, q);
  if (q.follow) return new Response(logEventStream(resolved, q, items, readFrom, req.signal), { headers: SSE_HEADERS });
  if (q.format === "text") {
    const name = `${"nodeId" in params ? resolved.targets[0]!.node.hostname : `${params.layer}-layer`}-${q.source}.log`;
    return new Response(items.map(textLine).join(""), {
      headers: { "content-type": "text/plain; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" },
    });
  }
  return json(logPage(resolved, items));
});

const textLine = (e: LogEntry) => `${e.t} ${e.node.hostname} ${e.stream} ${e.text}\n`;

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform keeps the response uncompressed, so lines are not held back in a gzip buffer.
  "cache-control": "no-store, no-transform",
  "x-accel-buffering": "no",
};

const HEARTBEAT_MS = 15_000;

/** `event: page` (sources, nodes, the last lines), then one `event: line` per new line. */
function logEventStream(r: ResolvedLogs, q: LogQuery, initial: LogEntry[], readFrom: string, signal: AbortSignal): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const stop = new AbortController();
  signal.addEventListener("abort", () => stop.abort(), { once: true });
  let heartbeat: NodeJS.Timeout | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (chunk: string) => {
        if (stop.signal.aborted) return;
        try {
          controller.enqueue(enc.encode(chunk));
        } catch {
          stop.abort(); // the client went away
        }
      };
      send("retry: 2000\n\n");
      send(`event: page\ndata: ${JSON.stringify(logPage(r, initial))}\n\n`);
      // Follow each node from its last line read, so nothing between the read and the follow is lost.
      const cursors = new Map<string, string>();
      // A node with no line in the page is followed from the moment the page was read, not from when its follower
      // starts: a line written in between (the page is already shown as live) would be lost otherwise.
      for (const t of r.targets) cursors.set(t.node.id, readFrom);
      for (const e of initial) if (e.stream !== "file") cursors.set(e.node.id, e.t);
      heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      void followLogs(r, q, cursors, (e) => send(`event: line\ndata: ${JSON.stringify(e)}\n\n`), stop.signal).finally(() => {
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      });
    },
    cancel() {
      clearInterval(heartbeat);
      stop.abort();
    },
  });
}
