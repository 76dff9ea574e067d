import { db } from "../db/client";
import { AppError, notFound } from "../errors";
import { nodeKind } from "../node-kinds";
import { LABEL } from "../runtime/labels";
import { runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";

/** `php -m` of an app server: the extensions its PHP loads (the CLI reads the same extension list as the server). */

export function parsePhpModules(text: string): { php: string[]; zend: string[] } {
  const php: string[] = [];
  const zend: string[] = [];
  let into: string[] | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "[PHP Modules]") into = php;
    else if (line === "[Zend Modules]") into = zend;
    else if (line && into) into.push(line);
  }
  return { php, zend };
}

export async function phpModules(envId: string, nodeId: string, rt: ContainerRuntime = runtime()): Promise<{ php: string[]; zend: string[] }> {
  const node = await db().node.findFirst({ where: { id: nodeId, environmentId: envId } });
  if (!node) throw notFound("Node", nodeId);
  if (!nodeKind(node.type).php) throw new AppError("not_php", `${node.hostname} runs no PHP`, 404);
  const live = (await rt.listContainers({ [LABEL.node]: node.id }))[0];
  if (!live?.running) throw new AppError("node_down", `${node.hostname} is not running`, 409);
  const r = await rt.exec(live.id, ["php", "-m"], { timeoutMs: 15_000 });
  if (r.exitCode !== 0) throw new AppError("engine_error", `php -m failed on ${node.hostname}: ${r.stderr.trim().slice(0, 300)}`, 502);
  return parsePhpModules(r.stdout);
}
