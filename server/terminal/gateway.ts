import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { auditTerminalEnd, auditTerminalRefused, auditTerminalStart } from "../audit/record";
import { isValidUserSession } from "../auth/sessions";
import { db } from "../db/client";
import { log } from "../log";
import { LABEL, runtime, type ContainerRuntime, type ExecSession } from "../runtime";
import { checkUpgrade } from "./auth";
import { CLOSE, SESSION_CHECK_MS, TERMINAL_PATH, terminalSettings } from "./settings";

/**
 * The web terminal: a WebSocket per browser tab bridged to an engine exec with a pseudo-terminal.
 * Binary frames carry the terminal's bytes both ways; text frames carry JSON control messages
 * (client: {"type":"resize","cols","rows"}; server: {"type":"ready"|"exit", ...}).
 * Route handlers cannot take over a connection, so the custom server (scripts/serve.ts) hands the
 * upgrade here; everything else goes to Next.
 */

const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
const open = new Set<WebSocket>();

export function isTerminalUpgrade(req: IncomingMessage): boolean {
  return TERMINAL_PATH.test(new URL(req.url ?? "/", "http://x").pathname);
}

export async function handleTerminalUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, rt: ContainerRuntime = runtime()): Promise<void> {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const [, envId, nodeId] = TERMINAL_PATH.exec(path)!.map((s) => decodeURIComponent(s));
  const refuse = async (status: number, code: string, message: string) => {
    await auditTerminalRefused({ path, environmentId: envId, nodeId, status, code, message });
    const body = JSON.stringify({ error: { code, message } });
    socket.end(`HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : status === 403 ? "Forbidden" : "Refused"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  };
  const auth = await checkUpgrade(req);
  if (!auth.ok) return refuse(auth.status, auth.code, auth.message);
  if (open.size >= terminalSettings().PHLEET_TERMINAL_MAX) {
    return refuse(429, "too_many_terminals", `At most ${terminalSettings().PHLEET_TERMINAL_MAX} terminals may be open at once; close one first`);
  }
  wss.handleUpgrade(req, socket, head, (ws) => void run(ws, rt, { envId: envId!, nodeId: nodeId!, cookie: auth.cookie, path }));
}

async function run(ws: WebSocket, rt: ContainerRuntime, t: { envId: string; nodeId: string; cookie: string; path: string }) {
  open.add(ws);
  // Input typed while the shell is being started is kept and written once it runs, after the size asked meanwhile
  // is in place (a resize is a call to the engine of its own: under load it landed after the input it preceded).
  let session: ExecSession | null = null;
  const early: ((s: ExecSession) => void)[] = [];
  const asked: { size: { cols: number; rows: number } | null } = { size: null };
  const withSession = (fn: (s: ExecSession) => void) => (session ? fn(session) : early.push(fn));
  let touch = () => {};
  ws.on("close", () => open.delete(ws));
  ws.on("message", (data: RawData, isBinary: boolean) => {
    touch();
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) return withSession((s) => s.write(buf));
    try {
      const msg = JSON.parse(buf.toString("utf8")) as { type?: string; cols?: number; rows?: number };
      if (msg.type === "resize" && Number.isInteger(msg.cols) && Number.isInteger(msg.rows)) {
        const cols = Math.min(Math.max(msg.cols!, 2), 1000);
        const rows = Math.min(Math.max(msg.rows!, 2), 500);
        if (session) void session.resize(cols, rows);
        else asked.size = { cols, rows };
      }
    } catch {
      /* not a control message: ignore */
    }
  });
  const closeWith = (code: number, reason: string) => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120));
  };
  const node = await db().node.findFirst({ where: { id: t.nodeId, environmentId: t.envId } });
  if (!node) {
    open.delete(ws);
    await auditTerminalRefused({ path: t.path, environmentId: t.envId, nodeId: t.nodeId, status: 404, code: "not_found", message: "No such node" });
    return closeWith(CLOSE.notFound, "No such node in this environment");
  }
  const live = (await rt.listContainers({ [LABEL.node]: node.id }).catch(() => []))[0];
  if (!live?.running) {
    open.delete(ws);
    await auditTerminalRefused({ path: t.path, environmentId: t.envId, nodeId: t.nodeId, status: 409, code: "not_running", message: `${node.hostname} is not running` });
    return closeWith(CLOSE.notRunning, `${node.hostname} is not running; start it first`);
  }

  const auditId = await auditTerminalStart({ environmentId: t.envId, nodeId: t.nodeId, cookie: t.cookie, path: t.path });
  let endReason = "closed by the browser";
  let idle: NodeJS.Timeout | undefined;
  const { PHLEET_TERMINAL_IDLE_MS: idleMs } = terminalSettings();
  touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      endReason = "idle timeout";
      closeWith(CLOSE.idle, `Closed after ${Math.round(idleMs / 1000)} s without input`);
    }, idleMs);
  };
  const sessionCheck = setInterval(() => {
    void isValidUserSession(t.cookie).then((ok) => {
      if (!ok) {
        endReason = "signed out";
        closeWith(CLOSE.signedOut, "Signed out");
      }
    });
  }, SESSION_CHECK_MS);

  ws.on("close", () => {
    open.delete(ws);
    clearTimeout(idle);
    clearInterval(sessionCheck);
    session?.close();
    void auditTerminalEnd(auditId, "success", endReason);
    log.info({ node: node.hostname, reason: endReason }, "terminal session ended");
  });

  let started: ExecSession;
  try {
    // bash where the image has it (all of Phleet's do), a plain sh otherwise; a login shell in the web root.
    started = await rt.openExec(live.id, ["/bin/sh", "-c", "cd /var/www 2>/dev/null || cd /; if command -v bash >/dev/null; then exec bash -l; else exec sh -l; fi"], {
      tty: true,
      stdin: true,
      cols: asked.size?.cols ?? 80,
      rows: asked.size?.rows ?? 24,
      env: ["TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8"],
    });
  } catch (err) {
    endReason = `could not start a shell: ${err instanceof Error ? err.message : String(err)}`;
    return closeWith(CLOSE.failed, "Could not start a shell in the node");
  }
  if (ws.readyState !== ws.OPEN) return started.close();
  started.onData((chunk) => {
    if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
  });
  // Until `session` is set, what arrives still waits in `early`, so nothing overtakes the size or the earlier input.
  if (asked.size) await started.resize(asked.size.cols, asked.size.rows).catch(() => undefined);
  if (ws.readyState !== ws.OPEN) return started.close();
  session = started;
  for (const fn of early.splice(0)) fn(started);
  void started.exited.then((code) => {
    if (endReason === "closed by the browser") endReason = `shell exited (${code ?? "?"})`;
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: "exit", code }));
    closeWith(CLOSE.ended, "The shell ended");
  });
  touch();
  ws.send(JSON.stringify({ type: "ready", node: node.hostname }));
}

/** For a graceful stop of the server: every terminal is told, and its audit record closed. */
export function closeAllTerminals(): void {
  for (const ws of open) ws.close(CLOSE.ended, "Phleet is stopping");
}
