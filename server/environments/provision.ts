import { config } from "../config";
import { db } from "../db/client";
import { ensureImageOnce } from "../images/build";
import { log } from "../log";
import { LABEL, managedLabels } from "../runtime/labels";
import type { ContainerRuntime } from "../runtime/types";
import type { StepDef, TaskContext } from "../tasks/runner";
import { nodeKind } from "../node-kinds";
import { createNodeContainer } from "./node-container";
import { waitHealthy } from "../nodes/health";
import { networkName, nodeAddress } from "../nodes/names";
import { waitFor } from "../wait";
import { removeEnvironmentBackups } from "../databases/store";
import { removeReleaseTars } from "../deployments/store";
import { parseSubnet } from "./topology";

export const CREATE_STEPS: StepDef[] = [
  { key: "images", title: "Prepare node images" },
  { key: "network", title: "Create the environment network" },
  { key: "database", title: "Start the database" },
  { key: "session", title: "Start the session store" },
  { key: "app", title: "Start the app servers" },
  { key: "balancer", title: "Start the load balancer" },
  { key: "verify", title: "Check the balancer reaches every app server" },
];

export const DELETE_STEPS: StepDef[] = [
  { key: "containers", title: "Remove the containers" },
  { key: "network", title: "Remove the network" },
  { key: "data", title: "Remove the database volume (unless kept)" },
  { key: "record", title: "Forget the environment" },
];

class Cancelled extends Error {}

async function load(envId: string) {
  const env = await db().environment.findUnique({ where: { id: envId }, include: { nodes: true } });
  if (!env) throw new Cancelled("the environment was deleted");
  if (env.status === "deleting") throw new Cancelled("the environment is being deleted");
  return env;
}

/** Provisioning: images, network, session store, app servers, balancer, then an end-to-end check. */
export async function provision(rt: ContainerRuntime, ctx: TaskContext, envId: string): Promise<void> {
  const cfg = config();
  let env = await load(envId);

  await ctx.step("images", async (progress) => {
    const needed = new Set([env.appType, env.sessionType, env.balancerType, ...env.nodes.filter((n) => n.role === "database").map((n) => n.type)].map((t) => nodeKind(t).image));
    for (const name of needed) {
      const result = await ensureImageOnce(rt, name, (line) => {
        if (/^Step \d+\/\d+/.test(line)) progress(`${name}: ${line}`);
      });
      progress(`${name}: ${result === "built" ? "built" : "ready"}`);
    }
  });

  env = await load(envId);
  await ctx.step("network", async (progress) => {
    if (!env.subnet) throw new Error("the environment has no subnet recorded");
    const sub = parseSubnet(env.subnet);
    const net = await rt.ensureNetwork({
      name: networkName(cfg.PHLEET_INSTANCE, env.name),
      subnet: sub.cidr,
      gateway: sub.gateway,
      labels: managedLabels(cfg.PHLEET_INSTANCE, { [LABEL.environment]: env.id }),
    });
    progress(`${net.name} ${sub.cidr}`);
  });

  // Every layer at once: nothing in a node's start needs another node running (app servers open their
  // session store per request; the balancer keeps its app servers as never-failing backups, so a request
  // that arrives before they listen does not take them out), and the verify step below checks the whole
  // path before the environment counts as running. The nodes of a layer start in parallel too.
  //
  // On several hosts an app server's address is known only once Swarm runs it, and the balancer's upstreams are
  // addresses (its NGINX resolves names once, at start): there the balancer starts after the other layers.
  const startLayers = async (roles: readonly ("database" | "session" | "app" | "balancer")[]) => {
    const current = await load(envId);
    return Promise.allSettled(roles.map((role) => startLayer(role, current)));
  };
  const startLayer = async (role: "database" | "session" | "app" | "balancer", current: Awaited<ReturnType<typeof load>>) => {
    const nodes = current.nodes.filter((n) => n.role === role);
    if (!nodes.length) return ctx.skip(role, "not part of this environment");
    await ctx.step(role, async (progress) => {
      await Promise.all(
        nodes.map(async (node) => {
          const state = await createNodeContainer(rt, current, node, current.nodes);
          await rt.startContainer(state.id);
          await waitHealthy(rt, state.id, node.type);
        }),
      );
      progress(nodes.map((n) => `${n.hostname} ${n.ip}`).join(", "));
    });
  };
  const layers =
    rt.addressing === "name"
      ? [...(await startLayers(["database", "session", "app"])), ...(await startLayers(["balancer"]))]
      : await startLayers(["database", "session", "app", "balancer"]);
  // Every layer has settled before a failure is reported, so the clean-up finds no container still on its way.
  const failed = layers.find((l): l is PromiseRejectedResult => l.status === "rejected");
  if (failed) throw failed.reason;

  env = await load(envId);
  const final = env;
  await ctx.step("verify", async (progress) => {
    const balancers = final.nodes.filter((n) => n.role === "balancer");
    const apps = final.nodes.filter((n) => n.role === "app");
    const probe = apps[0];
    if (!balancers.length || !probe?.containerId) throw new Error("the environment has no balancer or app server");
    // From inside the network, as a user's request would go: each balancer -> each app server in turn.
    for (const balancer of balancers) {
      const script = `$ok=0; for($i=0;$i<${apps.length * 2};$i++){ $r=@file_get_contents("http://${nodeAddress(balancer)}/health.php"); if($r==="ok") $ok++; } echo $ok; exit($ok===${apps.length * 2}?0:1);`;
      let last = { stdout: "", stderr: "" };
      await waitFor(
        `${balancer.hostname} reaches every app server`,
        async () => {
          const r = await rt.exec(probe.containerId!, ["php", "-r", script], { timeoutMs: 15_000 });
          last = r;
          return r.exitCode === 0;
        },
        { timeoutMs: 20_000, onTimeout: () => `${balancer.hostname} answered ${last.stdout.trim() || 0} of ${apps.length * 2} checks: ${last.stderr.trim()}` },
      );
    }
    progress(`${apps.length} app server${apps.length > 1 ? "s" : ""} answer through ${balancers.map((b) => nodeAddress(b)).join(" and ")}`);
  });

  await db().environment.update({ where: { id: envId }, data: { status: "running", error: null } });
}

/** Removes every container and network that carries the environment's label. */
async function removeEnvironmentResources(rt: ContainerRuntime, envId: string, progress?: (m: string) => void) {
  const containers = await rt.listContainers({ [LABEL.environment]: envId });
  await Promise.all(containers.map((c) => rt.removeContainer(c.id)));
  progress?.(`${containers.length} container${containers.length === 1 ? "" : "s"} removed`);
  const networks = await rt.listNetworks({ [LABEL.environment]: envId });
  for (const n of networks) await rt.removeNetwork(n.id);
  return { containers: containers.length, networks: networks.length };
}

/** The environment's labelled volumes go, unless the deletion was asked to keep the data. */
async function removeDatabaseVolumes(rt: ContainerRuntime, envId: string, keep: boolean): Promise<string> {
  const volumes = await rt.listVolumes({ [LABEL.environment]: envId });
  if (!volumes.length) return "no database volume";
  if (keep) return `kept ${volumes.map((v) => v.name).join(", ")} (keepData)`;
  for (const v of volumes) await rt.removeVolume(v.name);
  return `${volumes.map((v) => v.name).join(", ")} removed`;
}

/** The deletion task's work, shared by DELETE and by reconciliation of an interrupted deletion. */
export async function runDeletion(rt: ContainerRuntime, ctx: TaskContext, envId: string): Promise<void> {
  await ctx.step("containers", (progress) => removeEnvironmentResources(rt, envId, progress));
  await ctx.step("network", async (progress) => {
    for (const n of await rt.listNetworks({ [LABEL.environment]: envId })) await rt.removeNetwork(n.id);
    progress("no network left");
  });
  await ctx.step("data", async (progress) => {
    const record = await db().database.findUnique({ where: { environmentId: envId } });
    const keep = record?.keepDataOnDelete === true;
    progress(await removeDatabaseVolumes(rt, envId, keep));
    if (!keep) removeEnvironmentBackups(envId); // kept data keeps its dumps too
  });
  await ctx.step("record", async () => {
    const releases = await db().deployment.findMany({ where: { environmentId: envId }, select: { id: true } });
    await db().environment.delete({ where: { id: envId } });
    removeReleaseTars(releases.map((r) => r.id)); // after the record: a failed delete keeps them
  });
}

/** A deletion that failed leaves the environment `failed` with the reason, so it can be deleted again. */
export async function markDeleteFailed(envId: string, message: string): Promise<void> {
  await db().environment.update({ where: { id: envId }, data: { status: "failed", error: `Delete failed: ${message}` } }).catch(() => undefined);
}

/** A creation that failed: its containers and network go (nothing half-built keeps running), the record stays `failed` with the reason. */
export async function removeFailedProvisioning(rt: ContainerRuntime, envId: string, message: string): Promise<void> {
  const env = await db().environment.findUnique({ where: { id: envId } });
  if (!env || env.status === "deleting") return;
  try {
    await removeEnvironmentResources(rt, envId);
    await removeDatabaseVolumes(rt, envId, false); // data of a creation that never finished
  } catch (err) {
    log.warn({ envId, err }, "cleanup after a failed provisioning did not finish");
  }
  await db().environment.update({ where: { id: envId }, data: { status: "failed", error: message } });
}
