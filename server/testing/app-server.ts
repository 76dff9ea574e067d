import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** Starts the real built app (scripts/serve.ts: Next and the terminal) on a free port with its own database and instance label. */

export interface TestApp {
  url: string;
  env: Record<string, string>;
  dataDir: string;
  /** The server process (for likeUp: bash exec'd into it, so the same pid). */
  pid: number;
  stop(): Promise<void>;
  /** kill -9: the control plane dies with whatever it was doing. */
  kill(): Promise<void>;
}

const root = path.resolve(__dirname, "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function migrate(env: Record<string, string>): void {
  const r = spawnSync("bash", ["scripts/prisma.sh", "migrate", "deploy"], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`prisma migrate deploy failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * The lines scripts/up.sh ends with (its listen-address defaults and the final `exec` that starts the server),
 * so a test can start the app exactly as `npm run up` does, without its install and build steps.
 */
function upStartCommand(): string {
  const lines = fs.readFileSync(path.join(root, "scripts", "up.sh"), "utf8").split("\n");
  const defaults = lines.filter((l) => /^export (PORT|PHLEET_HOST)=/.test(l));
  const exec = lines.filter((l) => l.startsWith("exec ")).pop();
  if (!exec) throw new Error("scripts/up.sh has no final exec line");
  return [...defaults, exec].join("\n");
}

export async function startApp(extraEnv: Record<string, string>, opts: { dataDir?: string; likeUp?: boolean } = {}): Promise<TestApp> {
  const distDir = process.env.PHLEET_DIST_DIR || ".next";
  if (!fs.existsSync(path.join(root, distDir, "BUILD_ID"))) throw new Error(`The app is not built in ${distDir}: run \`npx next build\` first (npm test does)`);
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "phleet-test-"));
  const port = await freePort();
  const env: Record<string, string> = {
    PHLEET_DATABASE_URL: `file:${path.join(dataDir, "phleet.db")}`,
    PORT: String(port),
    ...extraEnv,
  };
  migrate(env);
  // likeUp: no listen address given, the way `npm run up` starts it (PHLEET_HOST unset unless the test sets it).
  // Otherwise scripts/serve.ts (Next plus the terminal's WebSocket) on loopback.
  const [cmd, args] = opts.likeUp ? ["bash", ["-c", upStartCommand()]] : [path.join(root, "node_modules/.bin/tsx"), ["scripts/serve.ts"]];
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, PHLEET_HOST: "127.0.0.1" };
  if (opts.likeUp) delete baseEnv.PHLEET_HOST;
  const child: ChildProcess = spawn(cmd, args, {
    cwd: root,
    env: { ...baseEnv, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: tsx runs the server as a child process, which a signal to tsx alone would leave
    // running (a killed control plane kept its loops going for the rest of the run).
    detached: true,
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      child.kill(sig);
    }
  };
  const logFile = path.join(dataDir, "server.log");
  const out = fs.createWriteStream(logFile, { flags: "a" });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}; log: ${logFile}`);
    try {
      const r = await fetch(`${url}/api/v1/openapi.json`);
      if (r.status === 401 || r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`the app did not answer within 60 s; log: ${logFile}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    env,
    dataDir,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        signal("SIGTERM");
        await new Promise((r) => {
          const t = setTimeout(() => {
            signal("SIGKILL");
            r(undefined);
          }, 10_000);
          child.once("exit", () => {
            clearTimeout(t);
            r(undefined);
          });
        });
      }
      out.end();
    },
    async kill() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        signal("SIGKILL");
        await exited;
      }
      out.end();
    },
  };
}
