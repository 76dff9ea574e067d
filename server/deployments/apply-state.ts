import fs from "node:fs";
import { db } from "../db/client";
import type { ContainerRuntime } from "../runtime/types";
import { appEnvFile } from "./app-env";
import { APP_ENV_FILE, DEMO_DIR, releaseDirOf, servedPath } from "./layout";
import { copyRelease, currentLinkTar } from "./node-ops";
import { releaseTarPath } from "./store";

/**
 * Brings one app server to the app layer's desired state: the current release (copied, `current`
 * pointing at it) and the variables. Only the archive API is used, so it works on a container that
 * is created but not started yet: call it before the node starts, hence before it joins the balancer
 * (provisioning, scaling, healing, reconciliation all go through createNodeContainer / heal).
 */
export async function applyAppLayerState(rt: ContainerRuntime, envId: string, node: { role: string; containerId: string | null }): Promise<void> {
  if (node.role !== "app" || !node.containerId) return;
  const current = await db().deployment.findFirst({ where: { environmentId: envId, current: true } });
  if (current) {
    const dir = releaseDirOf(current);
    const tar = releaseTarPath(current.id);
    // The demo release is in the image already; any other comes from the control plane's store.
    if (dir !== DEMO_DIR || fs.existsSync(tar)) await copyRelease(rt, node.containerId, tar);
    await rt.putArchive(node.containerId, "/var/www", await currentLinkTar(servedPath(dir, current.docroot)));
  }
  await rt.writeFiles(node.containerId, [{ path: APP_ENV_FILE, content: await appEnvFile(envId), mode: 0o644 }]);
}

