import { config } from "../config";
import { markProbedReady } from "../health/node-health";
import { nodeKind } from "../node-kinds";
import { RuntimeError } from "../runtime/errors";
import type { ContainerRuntime, ContainerState } from "../runtime/types";
import { sleep, waitFor } from "../wait";

/** A node's health: the engine's view (its HEALTHCHECK) and the kind's probe run on demand. */

// The first probe runs at once, the next ones soon after and then less often: a node is usually ready
// within a few hundred milliseconds of its start, and each probe is an exec in the engine.
const FIRST_PROBE_GAP_MS = 100;
const MAX_PROBE_GAP_MS = 1000;

/**
 * Waits until the container runs and passes its kind's health probe; fails fast if it exits.
 *
 * The engine's own HEALTHCHECK says nothing before its first interval has passed (the images check every
 * 2 s, and this engine, API 1.41, has no StartInterval), so waiting for it cost up to 2 s per layer. The
 * same test is run here through exec as soon as the container runs, then at a short, growing gap. The
 * engine's "healthy", when it comes first, counts as well. A passed probe is remembered for the views, so
 * the node shows running while the engine still says "starting".
 */
export async function waitHealthy(rt: ContainerRuntime, id: string, nodeType: string, timeoutMs = config().PHLEET_HEALTH_TIMEOUT_MS): Promise<ContainerState> {
  const probe = nodeKind(nodeType).healthProbe;
  const deadline = Date.now() + timeoutMs;
  let last: ContainerState | null = null;
  for (let gap = FIRST_PROBE_GAP_MS; ; gap = Math.min(MAX_PROBE_GAP_MS, Math.round(gap * 1.5))) {
    last = await rt.inspectContainer(id);
    if (!last) throw new RuntimeError(`container ${id.slice(0, 12)} disappeared`, "not_found");
    if (last.status === "stopped" || last.status === "dead") {
      throw new RuntimeError(
        `${last.name} exited with code ${last.exitCode ?? "?"}${last.error ? ` (${last.error})` : ""}; see its log with: docker logs ${last.name}`,
        "failed",
      );
    }
    if (last.status === "running") return last;
    // Also when the engine says unhealthy: its checks give up after 2 s, which on a loaded machine fails a node
    // that serves; the probe here waits longer, so a pass means the node answers.
    if (last.status === "starting" || last.status === "unhealthy") {
      const left = Math.max(500, deadline - Date.now());
      const r = await rt.exec(id, probe, { timeoutMs: Math.min(5000, left) }).catch(() => ({ exitCode: -1 }));
      if (r.exitCode === 0) {
        markProbedReady(last);
        return { ...last, status: "running", health: "healthy" };
      }
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new RuntimeError(`${last.name} did not become healthy within ${Math.round(timeoutMs / 1000)} s (status: ${last.status})`, "timeout");
    await sleep(Math.min(gap, left));
  }
}

/**
 * The kind's health probe run on demand, for the seconds after a graceful reload, when the engine's own
 * health state has not caught up yet. True once it passes; false if it never does within the time given.
 */
export async function probeHealthy(rt: ContainerRuntime, containerId: string, nodeType: string, withinMs = 8000): Promise<boolean> {
  const cmd = nodeKind(nodeType).healthProbe;
  return waitFor("probe", async () => (await rt.exec(containerId, cmd, { timeoutMs: 5000 }).catch(() => ({ exitCode: -1 }))).exitCode === 0, {
    timeoutMs: withinMs,
    intervalMs: 500,
  }).catch(() => false);
}
