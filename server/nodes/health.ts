import { config } from "../config";
import { nodeKind } from "../node-kinds";
import { RuntimeError } from "../runtime/errors";
import type { ContainerRuntime, ContainerState } from "../runtime/types";
import { waitFor } from "../wait";

/** A node's health: the engine's view (its HEALTHCHECK) and the kind's probe run on demand. */

/** Waits until the container is running and its health check passes; fails fast if it exits. */
export async function waitHealthy(rt: ContainerRuntime, id: string, timeoutMs = config().PHLEET_HEALTH_TIMEOUT_MS): Promise<ContainerState> {
  let last: ContainerState | null = null;
  return waitFor(
    "healthy",
    async () => {
      last = await rt.inspectContainer(id);
      if (!last) throw new RuntimeError(`container ${id.slice(0, 12)} disappeared`, "not_found");
      if (last.status === "stopped" || last.status === "dead") {
        throw new RuntimeError(
          `${last.name} exited with code ${last.exitCode ?? "?"}${last.error ? ` (${last.error})` : ""}; see its log with: docker logs ${last.name}`,
          "failed",
        );
      }
      return last.status === "running" ? last : null;
    },
    {
      timeoutMs,
      intervalMs: 400,
      onTimeout: () => `${last?.name ?? id} did not become healthy within ${Math.round(timeoutMs / 1000)} s (status: ${last?.status})`,
    },
  );
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
