/**
 * Phleet's HTTP server: Next.js for every request, plus the web terminal's WebSocket upgrade.
 * Why a custom server: Next's route handlers answer a request and cannot take over its connection,
 * so a duplex terminal channel has no place inside Next. This file stays small: each HTTP request
 * goes to Next untouched; only upgrades on .../nodes/{nodeId}/terminal are handled here, with the
 * same session-cookie and same-origin checks as the API (server/terminal/auth.ts).
 * Listens on PHLEET_HOST (default 127.0.0.1) and PORT (default 3000).
 */
import { EventEmitter } from "node:events";
import http from "node:http";
import path from "node:path";
import next from "next";
import { closeAllTerminals, handleTerminalUpgrade, isTerminalUpgrade } from "../server/terminal/gateway";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.PHLEET_HOST || "127.0.0.1";
const dev = process.argv.includes("--dev");

async function main() {
  // Next attaches its own 'upgrade' listener to the server of the first request it handles, and ends
  // every upgrade it does not know (the terminal's too). Given a stand-in, it listens there instead:
  // this server alone decides which upgrades reach Next (in dev, its hot reload).
  const standIn = new EventEmitter() as unknown as http.Server;
  const app = next({ dev, dir: path.resolve(__dirname, ".."), hostname, port, httpServer: standIn });
  await app.prepare();
  const handle = app.getRequestHandler();
  const nextUpgrade = dev ? app.getUpgradeHandler() : null;
  const server = http.createServer((req, res) => void handle(req, res));
  server.on("upgrade", (req, socket, head) => {
    if (isTerminalUpgrade(req)) {
      handleTerminalUpgrade(req, socket, head).catch((err: unknown) => {
        console.error("terminal upgrade failed", err);
        socket.destroy();
      });
    } else if (nextUpgrade) void nextUpgrade(req, socket, head);
    else socket.destroy();
  });
  server.listen(port, hostname, () => console.log(`Phleet listening on http://${hostname}:${port}`));
  const stop = () => {
    closeAllTerminals();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
