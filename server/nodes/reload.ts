import type { Reload } from "../node-kinds";
import type { ContainerRuntime, ExecResult } from "../runtime/types";

/** Graceful reloads that wait for the old workers, and the worker list they wait on. */

// Sends the reload, then waits (bounded) until every worker that existed before it has exited, so
// that "reloaded" means every request from now on is served with the new configuration.
const RELOAD_AND_WAIT = `
name=$1; shift
workers() {
  for d in /proc/[0-9]*; do
    [ "$(cat "$d/comm" 2>/dev/null)" = "$name" ] || continue
    pp=$(cut -d' ' -f4 "$d/stat" 2>/dev/null)
    [ "$(cat "/proc/$pp/comm" 2>/dev/null)" = "$name" ] && echo "\${d#/proc/}"
  done
}
old=$(workers)
"$@" || exit $?
i=0
while [ $i -lt 60 ]; do
  alive=0
  for p in $old; do [ -d "/proc/$p" ] && alive=1; done
  [ $alive = 0 ] && exit 0
  sleep 0.25
  i=$((i + 1))
done
echo "the reload was sent, but old $name workers were still running after 15 s" >&2
exit 0
`;

/**
 * Lists the workers of a server (processes named `name` whose parent has the same name), one pid a
 * line. Used to wait until a reload has really replaced every worker that had the old config.
 */
const LIST_WORKERS = `
name=$1
for d in /proc/[0-9]*; do
  [ "$(cat "$d/comm" 2>/dev/null)" = "$name" ] || continue
  pp=$(cut -d' ' -f4 "$d/stat" 2>/dev/null)
  [ "$(cat "/proc/$pp/comm" 2>/dev/null)" = "$name" ] && echo "\${d#/proc/}"
done
`;

/** The graceful reload of a catalog file, waiting for the old workers to be gone. */
function reloadCommand(reloadCmd: string[], processName: string): string[] {
  return ["sh", "-c", RELOAD_AND_WAIT, "reload", processName, ...reloadCmd];
}

/** Runs a graceful reload in the node and returns once no worker with the old configuration is left. */
export function reloadAndWait(rt: ContainerRuntime, containerId: string, reload: Reload): Promise<ExecResult> {
  return rt.exec(containerId, reloadCommand(reload.reloadCmd, reload.reloadProcess), { timeoutMs: 30_000, user: "root" });
}

/** The pids of a server's workers in the node (processes named `name` whose parent has the same name). */
export async function listWorkers(rt: ContainerRuntime, containerId: string, name: string): Promise<string[]> {
  const r = await rt.exec(containerId, ["sh", "-c", LIST_WORKERS, "workers", name], { timeoutMs: 10_000 });
  return r.stdout.split("\n").filter(Boolean);
}
