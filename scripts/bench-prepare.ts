import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..");

/** The newest modification time of the sources the app is built from. */
function newestSource(): number {
  let newest = 0;
  for (const dir of ["app", "components", "server"]) {
    for (const entry of fs.readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * What every bench needs before it measures: the load tools, the engine, the node images, and a build of the
 * app that is not older than its sources (a stale build would silently bench old code).
 */
export function prepareBench(log: (m: string) => void = (m) => console.log(`[bench] ${m}`)): void {
  execFileSync("bash", ["scripts/host-tools.sh", "--bench"], { cwd: root, stdio: "inherit" });
  execFileSync("bash", ["scripts/engine.sh"], { cwd: root, stdio: "inherit" });
  execFileSync("node_modules/.bin/tsx", ["scripts/build-images.ts"], { cwd: root, stdio: "inherit" });
  const buildId = path.join(root, process.env.PHLEET_DIST_DIR || ".next", "BUILD_ID");
  if (!fs.existsSync(buildId) || fs.statSync(buildId).mtimeMs < newestSource()) {
    log("building the app (none yet, or older than its sources)");
    execFileSync("node_modules/.bin/next", ["build"], { cwd: root, stdio: "ignore" });
  }
}
