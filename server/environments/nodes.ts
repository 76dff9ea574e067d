import { config } from "../config";
import { db } from "../db/client";
import { LABEL, managedLabels } from "../runtime/labels";
import type { ContainerRuntime, ContainerState, FileSpec } from "../runtime/types";
import { RuntimeError } from "../runtime/errors";
import { BALANCER_CONF_PATH, renderBalancerConf, renderSessionIni, renderUpstreamConf, sessionIniPath, UPSTREAM_CONF_PATH } from "./render";
import { imageTag } from "../images/build";
import { containerName, IMAGE_OF_TYPE, networkName } from "./topology";
import type { EnvRow, NodeRow } from "./view";
import type { SessionStoreType } from "../contracts/environment";
import { applyAppLayerState } from "../deployments/apply-state";

/** Creating, starting and waiting for one node's container; shared by provisioning, scaling and repair. */

export function nodeLabels(envId: string, node: { id: string; role: string }) {
  return managedLabels(config().PHLEET_INSTANCE, {
    [LABEL.environment]: envId,
    [LABEL.node]: node.id,
    [LABEL.role]: node.role,
  });
}

export function filesFor(env: EnvRow, node: NodeRow, all: NodeRow[]): FileSpec[] {
  if (node.role === "app") {
    const storeIps = all.filter((n) => n.role === "session").sort((a, b) => a.ordinal - b.ordinal).map((n) => n.ip);
    return [{ path: sessionIniPath(node.type), content: renderSessionIni(env.sessionType as SessionStoreType, storeIps) }];
  }
  if (node.role === "balancer") {
    const apps = all.filter((n) => n.role === "app").sort((a, b) => a.ordinal - b.ordinal);
    return [
      { path: BALANCER_CONF_PATH, content: renderBalancerConf() },
      { path: UPSTREAM_CONF_PATH, content: renderUpstreamConf(apps.map((a) => ({ ip: a.ip, port: 80 }))) },
    ];
  }
  return [];
}

export async function createNodeContainer(rt: ContainerRuntime, env: EnvRow, node: NodeRow, all: NodeRow[]): Promise<ContainerState> {
  const cfg = config();
  const state = await rt.createContainer({
    name: containerName(cfg.PHLEET_INSTANCE, node.hostname),
    hostname: node.hostname,
    image: imageTag(IMAGE_OF_TYPE[node.type] ?? node.type),
    labels: nodeLabels(env.id, node),
    network: { name: networkName(cfg.PHLEET_INSTANCE, env.name), ip: node.ip },
    // Memcached nodes are started again by Phleet (heal.ts), which refills them before they serve reads.
    restartPolicy: node.role === "session" && node.type === "memcached" ? "no" : "unless-stopped",
    files: filesFor(env, node, all),
    publish:
      node.role === "balancer" && env.publishedPort
        ? [{ containerPort: 80, hostIp: cfg.PHLEET_PUBLISH_HOST, hostPort: env.publishedPort }]
        : undefined,
  });
  await db().node.update({ where: { id: node.id }, data: { containerId: state.id } });
  // The app layer's current release and variables, before the node starts (so before it can join the balancer).
  await applyAppLayerState(rt, env.id, { role: node.role, containerId: state.id });
  return state;
}

/** Waits until the container is running and its health check passes; fails fast if it exits. */
export async function waitHealthy(rt: ContainerRuntime, id: string, timeoutMs = config().PHLEET_HEALTH_TIMEOUT_MS): Promise<ContainerState> {
  const deadline = Date.now() + timeoutMs;
  let last: ContainerState | null = null;
  while (Date.now() < deadline) {
    last = await rt.inspectContainer(id);
    if (!last) throw new RuntimeError(`container ${id.slice(0, 12)} disappeared`, "not_found");
    if (last.status === "running") return last;
    if (last.status === "stopped" || last.status === "dead") {
      throw new RuntimeError(
        `${last.name} exited with code ${last.exitCode ?? "?"}${last.error ? ` (${last.error})` : ""}; see its log with: docker logs ${last.name}`,
        "failed",
      );
    }
    await new Promise((r) => setTimeout(r, 400));
  }
  throw new RuntimeError(`${last?.name ?? id} did not become healthy within ${Math.round(timeoutMs / 1000)} s (status: ${last?.status})`, "timeout");
}
