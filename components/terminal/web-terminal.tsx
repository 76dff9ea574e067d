"use client";

import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { RotateCw } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";

type Status = { kind: "connecting" } | { kind: "open" } | { kind: "closed"; reason: string };

const REASONS: Record<number, string> = {
  4401: "Signed out: the terminal was closed.",
  4408: "Closed after a while without input.",
  4404: "This node does not exist.",
  4409: "The node is not running; start it first.",
  4500: "Could not start a shell in the node.",
  4000: "The shell ended.",
};

/**
 * xterm.js over the node's terminal WebSocket: keystrokes and output as binary frames (UTF-8 both
 * ways), the size as a JSON message whenever the element changes size.
 */
export function WebTerminal({ environmentId, nodeId, hostname }: { environmentId: string; nodeId: string; hostname: string }) {
  const el = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<Status>({ kind: "connecting" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const host = el.current;
    if (!host) return;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: { background: "#0d1117", foreground: "#e6edf3" },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host);
    fit.fit();
    const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${proto}//${window.location.host}/api/v1/environments/${encodeURIComponent(environmentId)}/nodes/${encodeURIComponent(nodeId)}/terminal`);
    ws.binaryType = "arraybuffer";
    const enc = new TextEncoder();
    const sendSize = () => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "resize", cols: term.cols, rows: term.rows }));
    };
    ws.onopen = () => {
      setStatus({ kind: "open" });
      sendSize();
      term.focus();
    };
    ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      if (typeof e.data === "string") return; // control messages: ready, exit
      term.write(new Uint8Array(e.data));
    };
    ws.onclose = (e) => {
      const reason = REASONS[e.code] ?? (e.reason || (e.code === 1006 ? "The connection was refused or lost (signed out, or Phleet is not reachable)." : "The terminal closed."));
      setStatus({ kind: "closed", reason });
      term.write(`\r\n\x1b[2m[${reason}]\x1b[0m\r\n`);
    };
    const input = term.onData((d) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(enc.encode(d));
    });
    const resized = term.onResize(() => sendSize());
    const observer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        /* not laid out yet */
      }
    });
    observer.observe(host);
    return () => {
      observer.disconnect();
      input.dispose();
      resized.dispose();
      ws.close();
      term.dispose();
    };
  }, [environmentId, nodeId, attempt]);

  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-hidden rounded-xl border border-border bg-[#0d1117]">
      <div className="flex items-center gap-2 border-b border-white/10 px-3 py-2 text-xs text-[#8b949e]">
        <span className="font-mono">{hostname}</span>
        <span aria-live="polite" data-testid="terminal-status" data-status={status.kind}>
          <Badge tone={status.kind === "open" ? "success" : status.kind === "connecting" ? "neutral" : "danger"}>
            {status.kind === "open" ? "Connected" : status.kind === "connecting" ? "Connecting…" : "Closed"}
          </Badge>
        </span>
        {status.kind === "closed" ? <span className="truncate">{status.reason}</span> : null}
        {status.kind === "closed" ? (
          <Button variant="secondary" size="sm" className="ml-auto h-7" onClick={() => {
              setStatus({ kind: "connecting" });
              setAttempt((a) => a + 1);
            }}>
            <RotateCw aria-hidden />
            Reconnect
          </Button>
        ) : null}
      </div>
      <div ref={el} className="min-h-0 flex-1 p-2" data-testid="terminal" aria-label={`Terminal of ${hostname}`} />
    </div>
  );
}
