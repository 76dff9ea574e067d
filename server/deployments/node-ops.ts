import fs from "node:fs";
import { pack } from "tar-stream";
import { phpOf } from "../node-kinds";
import { reloadAndWait } from "../nodes/reload";
import type { ContainerRuntime } from "../runtime/types";
import { CURRENT_LINK, RELEASES_DIR } from "./layout";

/** What the control plane does on one app server for a release, all through exec and the archive API. */

export interface AppNode {
  hostname: string;
  type: string;
  containerId: string;
}

const sh = (script: string) => ["sh", "-c", script];

export async function hasRelease(rt: ContainerRuntime, node: AppNode, dir: string): Promise<boolean> {
  const r = await rt.exec(node.containerId, ["test", "-d", `${RELEASES_DIR}/${dir}`], { timeoutMs: 15_000 });
  return r.exitCode === 0;
}

/** Copies the release's normalized tar (entries under `<dir>/`) into the releases folder. */
export async function copyRelease(rt: ContainerRuntime, containerId: string, tarPath: string): Promise<void> {
  await rt.putArchive(containerId, RELEASES_DIR, fs.createReadStream(tarPath));
}

/** The folder `current` points to now. */
export async function currentTarget(rt: ContainerRuntime, node: AppNode): Promise<string> {
  const r = await rt.exec(node.containerId, ["readlink", CURRENT_LINK], { timeoutMs: 15_000 });
  if (r.exitCode !== 0) throw new Error(`${node.hostname}: ${CURRENT_LINK} is not a symlink (${r.stderr.trim()})`);
  return r.stdout.trim();
}

/** The atomic switch: a new symlink under a temp name, renamed over `current` (rename(2) is atomic). */
export async function pointCurrentAt(rt: ContainerRuntime, node: AppNode, target: string): Promise<void> {
  const r = await rt.exec(node.containerId, sh('set -e; [ -d "$T" ]; ln -sfn "$T" /var/www/.current.tmp; mv -T /var/www/.current.tmp "$L"'), {
    env: [`T=${target}`, `L=${CURRENT_LINK}`],
    timeoutMs: 15_000,
  });
  if (r.exitCode !== 0) throw new Error(`${node.hostname}: switching to ${target} failed: ${(r.stderr || r.stdout).trim() || `exit ${r.exitCode}`}`);
}

/** The same switch written through the archive API: works on a created or stopped container (no exec). */
export function currentLinkTar(target: string): Promise<Buffer> {
  const p = pack();
  p.entry({ name: "current", type: "symlink", linkname: target, mode: 0o777 });
  p.finalize();
  return (async () => {
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  })();
}

export async function gracefulReload(rt: ContainerRuntime, node: AppNode): Promise<void> {
  // New workers, a fresh OPcache and realpath cache; in-flight requests finish on the old ones.
  const r = await reloadAndWait(rt, node.containerId, phpOf(node.type).reload);
  if (r.exitCode !== 0) throw new Error(`${node.hostname}: the graceful reload failed: ${(r.stderr || r.stdout).trim()}`);
}

// Asks the node's own web server, as the balancer would, and prints the status and the start of the body.
const HEALTH_SCRIPT = `
$ctx = stream_context_create(['http' => ['ignore_errors' => true, 'follow_location' => 0, 'timeout' => 10, 'header' => "Host: localhost\\r\\nUser-Agent: phleet-deploy-check\\r\\n"]]);
$body = @file_get_contents('http://127.0.0.1' . getenv('P'), false, $ctx);
$status = isset($http_response_header[0]) && preg_match('#^HTTP/\\S+\\s+(\\d{3})#', $http_response_header[0], $m) ? (int)$m[1] : 0;
echo $status, "\\n", substr((string)$body, 0, 300);
exit($status >= 200 && $status < 400 ? 0 : 1);
`;

export interface HealthAnswer {
  ok: boolean;
  status: number;
  body: string;
}

/** One health request (a few tries for a node that is still reloading); the answer is what the node said. */
export async function healthRequest(rt: ContainerRuntime, node: AppNode, path: string): Promise<HealthAnswer> {
  let last: HealthAnswer = { ok: false, status: 0, body: "" };
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await rt.exec(node.containerId, ["php", "-d", "auto_prepend_file=", "-r", HEALTH_SCRIPT], { env: [`P=${path}`], timeoutMs: 20_000 });
    const [statusLine, ...rest] = r.stdout.split("\n");
    last = { ok: r.exitCode === 0, status: Number(statusLine) || 0, body: rest.join("\n").trim() };
    if (last.ok || last.status >= 400) return last; // a real answer: no point asking again
    await new Promise((res) => setTimeout(res, 1000));
  }
  return last;
}

export interface HookResult {
  exitCode: number;
  output: string;
}

/** A user's hook, run by sh in the release folder, bounded in time. */
export async function runHook(rt: ContainerRuntime, node: AppNode, command: string, releaseDir: string, timeoutSeconds: number): Promise<HookResult> {
  try {
    const r = await rt.exec(node.containerId, sh('cd "$PHLEET_RELEASE_DIR" && eval "$PHLEET_HOOK" 2>&1'), {
      env: [`PHLEET_HOOK=${command}`, `PHLEET_RELEASE_DIR=${RELEASES_DIR}/${releaseDir}`, `PHLEET_NODE=${node.hostname}`],
      timeoutMs: timeoutSeconds * 1000,
      user: "root",
    });
    return { exitCode: r.exitCode, output: (r.stdout + r.stderr).slice(-4000) };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { exitCode: -1, output: /longer than/.test(msg) ? `timed out after ${timeoutSeconds} s` : msg };
  }
}

/** Removes release folders not in `keep`; never the one `current` points into. */
export async function pruneReleases(rt: ContainerRuntime, node: AppNode, keep: string[]): Promise<string[]> {
  const script = `
cd "${RELEASES_DIR}" || exit 0
cur=$(readlink "${CURRENT_LINK}")
for d in */; do
  d=\${d%/}
  case " $* " in *" $d "*) continue;; esac
  case "$cur/" in "${RELEASES_DIR}/$d/"*) continue;; esac
  rm -rf -- "${RELEASES_DIR}/$d" && echo "$d"
done`;
  const r = await rt.exec(node.containerId, ["sh", "-c", script, "prune", ...keep], { timeoutMs: 60_000, user: "root" });
  return r.stdout.split("\n").filter(Boolean);
}

export async function removeRelease(rt: ContainerRuntime, node: AppNode, dir: string): Promise<void> {
  await rt.exec(node.containerId, ["rm", "-rf", "--", `${RELEASES_DIR}/${dir}`], { timeoutMs: 60_000, user: "root" });
}
