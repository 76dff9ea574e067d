import { db } from "../db/client";
import { log } from "../log";
import type { ContainerRuntime } from "../runtime/types";
import type { TaskContext } from "../tasks/runner";
import { releaseDirOf, servedPath } from "./layout";
import { copyRelease, currentLinkTar, currentTarget, gracefulReload, hasRelease, healthRequest, pointCurrentAt, pruneReleases, removeRelease, runHook, type AppNode } from "./node-ops";
import { settingsOf } from "./settings";
import { releaseTarPath, removeReleaseTars } from "./store";

/**
 * The rolling switch shared by a new deployment and an activation (rollback): the release is copied
 * to every app server first, then the servers switch one at a time, each passing the health request
 * before the next; when one fails, every server that switched goes back to what it served before.
 */

export type RolloutNode = AppNode & { id: string; running: boolean };

const stepKeyOf = (n: { id: string }) => `switch-${n.id}`;

export function rolloutSteps(nodes: { id: string; hostname: string }[]) {
  return [
    { key: "copy", title: `Copy the release to ${nodes.length} app server${nodes.length === 1 ? "" : "s"}` },
    ...nodes.map((n) => ({ key: stepKeyOf(n), title: `Switch ${n.hostname} and check it` })),
    { key: "prune", title: "Remove old releases" },
    { key: "rollback", title: "Roll back if a server fails its check" },
  ];
}

export async function appNodesOf(rt: ContainerRuntime, envId: string): Promise<RolloutNode[]> {
  const rows = await db().node.findMany({ where: { environmentId: envId, role: "app" }, orderBy: { ordinal: "asc" } });
  const out: RolloutNode[] = [];
  for (const n of rows) {
    if (!n.containerId) continue;
    const state = await rt.inspectContainer(n.containerId);
    if (!state) continue;
    out.push({ id: n.id, hostname: n.hostname, type: n.type, containerId: n.containerId, running: state.running });
  }
  return out;
}

interface Switched {
  node: RolloutNode;
  previous: string;
}

/**
 * Runs the rollout of deployment `deploymentId` (its tar is in the store). `fresh` is true for a new
 * release: on failure its folder is removed from every node, so nothing is left behind.
 */
export async function rollout(rt: ContainerRuntime, envId: string, deploymentId: string, nodes: RolloutNode[], ctx: TaskContext, fresh: boolean): Promise<void> {
  const d = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
  const dir = releaseDirOf(d);
  const target = servedPath(dir, d.docroot);
  const settings = await settingsOf(envId);
  const running = nodes.filter((n) => n.running);
  const stopped = nodes.filter((n) => !n.running);
  if (!running.length) throw new Error("no app server is running");

  await ctx.step("copy", async (progress) => {
    for (const n of running) {
      if (!fresh && (await hasRelease(rt, n, dir))) {
        progress(`${n.hostname}: release already there`);
        continue;
      }
      progress(`Copying to ${n.hostname}`);
      await copyRelease(rt, n.containerId, releaseTarPath(d.id));
    }
    progress(`Copied to ${running.map((n) => n.hostname).join(", ")}`);
  });

  const switched: Switched[] = [];
  let failing: Switched | null = null;
  try {
    for (const n of running) {
      await ctx.step(stepKeyOf(n), async (report) => {
        // The step's message is its log: hook output and the health answer, in order.
        const lines: string[] = [];
        const progress = (m: string) => {
          lines.push(m);
          report(lines.join("\n").slice(-8000));
        };
        const previous = await currentTarget(rt, n);
        if (settings.beforeSwitchHook) await hook(rt, n, "before-switch", settings.beforeSwitchHook, dir, settings.hookTimeoutSeconds, progress);
        failing = { node: n, previous };
        await pointCurrentAt(rt, n, target);
        await gracefulReload(rt, n);
        const answer = await healthRequest(rt, n, settings.healthPath);
        if (!answer.ok) {
          const said = answer.status ? `HTTP ${answer.status}${answer.body ? `: ${answer.body.slice(0, 200)}` : ""}` : `no answer${answer.body ? `: ${answer.body.slice(0, 200)}` : ""}`;
          throw new Error(`${n.hostname} failed the health request GET ${settings.healthPath} (${said})`);
        }
        progress(`${n.hostname} answers GET ${settings.healthPath} with HTTP ${answer.status}`);
        if (settings.afterSwitchHook) await hook(rt, n, "after-switch", settings.afterSwitchHook, dir, settings.hookTimeoutSeconds, progress);
        switched.push({ node: n, previous });
        failing = null;
      });
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const back = failing ? [...switched, failing] : switched;
    const report = await ctx.step("rollback", async (progress) => {
      for (const s of back.reverse()) {
        progress(`${s.node.hostname}: back to ${s.previous}`);
        await pointCurrentAt(rt, s.node, s.previous);
        await gracefulReload(rt, s.node);
      }
      if (fresh) for (const n of running) await removeRelease(rt, n, dir).catch(() => undefined);
      const names = back.map((s) => s.node.hostname);
      const summary = `${reason}. ${names.length ? `Rolled back: ${names.join(", ")} serve the previous release again.` : "No server had switched."}`;
      progress(summary);
      return summary;
    });
    throw new Error(report);
  }
  await ctx.skip("rollback", "Not needed: every app server passed its check");

  // Servers that are not running get the release through the archive API, so they serve it when started.
  for (const n of stopped) {
    await copyRelease(rt, n.containerId, releaseTarPath(d.id)).catch((e) => log.warn({ node: n.hostname, err: (e as Error).message }, "release not copied to a stopped node"));
    await rt.putArchive(n.containerId, "/var/www", await currentLinkTar(target)).catch(() => undefined);
  }

  await ctx.step("prune", async (progress) => {
    const keep = await keptDirs(envId, settings.keepReleases, dir);
    for (const n of running) {
      const removed = await pruneReleases(rt, n, keep);
      if (removed.length) progress(`${n.hostname}: removed ${removed.join(", ")}`);
    }
    // The control plane keeps the same releases: an older one can no longer be made current (it says so).
    const older = await db().deployment.findMany({ where: { environmentId: envId, id: { notIn: keep } }, select: { id: true } });
    removeReleaseTars(older.map((r) => r.id));
    progress(`Keeping ${keep.length} release${keep.length === 1 ? "" : "s"} per server`);
  });
}

/**
 * Folders of the releases kept: the one being switched to, the one it replaces (the natural rollback, even
 * when older than a release that was rolled back), then the newest others, `count` in all.
 */
async function keptDirs(envId: string, count: number, including: string): Promise<string[]> {
  const rows = await db().deployment.findMany({
    where: { environmentId: envId, status: { in: ["succeeded", "rolled_back"] } },
    orderBy: [{ current: "desc" }, { createdAt: "desc" }],
  });
  const dirs = [including];
  for (const r of rows) {
    const dir = releaseDirOf(r);
    if (dirs.length >= count) break;
    if (!dirs.includes(dir)) dirs.push(dir);
  }
  return dirs;
}

async function hook(rt: ContainerRuntime, n: AppNode, name: string, command: string, dir: string, timeoutSeconds: number, progress: (m: string) => void) {
  progress(`${n.hostname}: running the ${name} hook`);
  const r = await runHook(rt, n, command, dir, timeoutSeconds);
  const output = r.output.trim();
  progress(`${n.hostname}: ${name} hook exited with ${r.exitCode}${output ? `\n${output}` : ""}`);
  if (r.exitCode !== 0) throw new Error(`the ${name} hook failed on ${n.hostname} (exit ${r.exitCode})${output ? `: ${output.slice(-500)}` : ""}`);
}
