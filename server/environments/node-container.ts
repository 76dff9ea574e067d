import { config } from "../config";
import { log } from "../log";
import { db, type EnvRow, type NodeRow } from "../db/client";
import type { SessionStoreType } from "../contracts/environment";
import { imageTag } from "../images/build";
import { nodeKind, phpOf } from "../node-kinds";
import { HAPROXY_BACKEND_PATH, HAPROXY_CONF_PATH, renderHaproxyBackend, renderHaproxyConf } from "../node-kinds/haproxy-render";
import { BALANCER_CONF_PATH, renderBalancerConf, renderSessionIni, renderUpstreamConf, UPSTREAM_CONF_PATH } from "../node-kinds/render";
import { LABEL, managedLabels } from "../runtime/labels";
import { RESOLVE_BEFORE_START_FILE, type ContainerRuntime, type ContainerState, type FileSpec } from "../runtime/types";
import { desiredFiles } from "../nodes/desired-files";
import { limitsForNode } from "../nodes/limits";
import { containerName, networkName, nodeAddress } from "../nodes/names";
import { secretFilesFor } from "../nodes/session-auth";
import { applyAppLayerState } from "../deployments/apply-state";
import { appTlsFiles, balancerTlsFiles } from "../https/apply";
import { databaseNodeSetup } from "../nodes/database-env";

/** Creating one node's container, with every file it must have before its first start; shared by provisioning, scaling and repair. */

function nodeLabels(envId: string, node: { id: string; role: string }) {
  return managedLabels(config().PHLEET_INSTANCE, {
    [LABEL.environment]: envId,
    [LABEL.node]: node.id,
    [LABEL.role]: node.role,
  });
}

/** The files Phleet renders for the node from the topology (session wiring, balancer config). */
function renderedFiles(env: EnvRow, node: NodeRow, all: NodeRow[]): FileSpec[] {
  if (node.role === "app") {
    const storeIps = all.filter((n) => n.role === "session").sort((a, b) => a.ordinal - b.ordinal).map(nodeAddress);
    return [{ path: phpOf(node.type).sessionIniPath, content: renderSessionIni(env.sessionType as SessionStoreType, storeIps) }];
  }
  if (node.role === "balancer") {
    const upstreams = all
      .filter((n) => n.role === "app")
      .sort((a, b) => a.ordinal - b.ordinal)
      .map((a) => ({ ip: a.ip, port: nodeKind(a.type).port }));
    if (node.type === "haproxy") {
      return [
        { path: HAPROXY_CONF_PATH, content: renderHaproxyConf() },
        { path: HAPROXY_BACKEND_PATH, content: renderHaproxyBackend(upstreams) },
      ];
    }
    return [
      { path: BALANCER_CONF_PATH, content: renderBalancerConf() },
      { path: UPSTREAM_CONF_PATH, content: renderUpstreamConf(upstreams) },
    ];
  }
  return [];
}

/** Rendered files, with what the config editor saved for the node's layer and the node laid over them. */
async function filesFor(env: EnvRow, node: NodeRow, all: NodeRow[]): Promise<FileSpec[]> {
  const files = new Map(renderedFiles(env, node, all).map((f) => [f.path, f]));
  for (const f of await desiredFiles(env.id, node)) files.set(f.path, f);
  return [...files.values()];
}

function spreadRoleOf(node: NodeRow, all: NodeRow[]): string {
  if (node.role !== "balancer") return node.role;
  return all.filter((n) => n.role === "balancer").length > 1 ? "balancer" : "app";
}

/** Everything a node holds before its first start: rendered and saved files, secrets, HTTPS files, a database's credentials. */
async function nodeFiles(env: EnvRow, node: NodeRow, all: NodeRow[], database: { files: FileSpec[] } | null): Promise<FileSpec[]> {
  return [
    ...(await filesFor(env, node, all)),
    ...(await secretFilesFor(env, node, all)),
    ...(node.role === "balancer" ? await balancerTlsFiles(env) : node.role === "app" ? await appTlsFiles(env, node.type) : []),
    ...(database?.files ?? []),
  ];
}

/**
 * Several hosts: an app server's process starts once it resolves the session and database nodes that run now
 * (RESOLVE_BEFORE_START_FILE); a stopped or moving one is not waited for. Nothing on one engine (fixed IPs).
 */
async function resolveFirstFiles(rt: ContainerRuntime, node: NodeRow, all: NodeRow[]): Promise<FileSpec[]> {
  if (rt.addressing !== "name" || node.role !== "app") return [];
  const names: string[] = [];
  for (const n of all.filter((x) => (x.role === "session" || x.role === "database") && x.containerId)) {
    if ((await rt.inspectContainer(n.containerId!).catch(() => null))?.running) names.push(n.hostname);
  }
  return [{ path: RESOLVE_BEFORE_START_FILE, content: names.map((n) => `${n}\n`).join("") }];
}

/** A node's address may change with a new instance (on several hosts): the record follows, for the balancer, statistics and Info. */
async function recordAddress(node: NodeRow, state: ContainerState, network: string): Promise<NodeRow> {
  const ip = state.ips[network];
  if (!ip || ip === node.ip) return node;
  return db().node.update({ where: { id: node.id }, data: { ip } });
}

export async function createNodeContainer(rt: ContainerRuntime, env: EnvRow, node: NodeRow, all: NodeRow[]): Promise<ContainerState> {
  const cfg = config();
  const kind = nodeKind(node.type);
  const network = networkName(cfg.PHLEET_INSTANCE, env.name);
  // A database node mounts its data volume and gets its credentials file (app servers get DB_* with the layer's variables).
  const database = node.role === "database" ? await databaseNodeSetup(env.id, node.type) : null;
  const state = await rt.createContainer({
    name: containerName(cfg.PHLEET_INSTANCE, node.hostname),
    hostname: node.hostname,
    image: imageTag(kind.image),
    labels: nodeLabels(env.id, node),
    network: { name: network, ip: node.ip },
    // On several hosts, the nodes of a layer go to different hosts while there are enough, and a single balancer to
    // a host without an app server, so that losing one host never takes the balancer and an app server together
    // (two balancers spread over their own layer: losing one host leaves the other).
    spreadOver: managedLabels(cfg.PHLEET_INSTANCE, { [LABEL.environment]: env.id, [LABEL.role]: spreadRoleOf(node, all) }),
    restartPolicy: kind.restartPolicy,
    // Rendered and saved files, the session store's secrets, HTTPS (the balancer's certificate and options, the
    // app servers' scheme and cookie ini), and a database node's credentials file.
    files: [...(await nodeFiles(env, node, all, database)), ...(await resolveFirstFiles(rt, node, all))],
    resources: await limitsForNode(env.id, node.role, node.type),
    volumes: database?.volumes,
    publish:
      node.role === "balancer" && env.publishedPort
        ? [
            { containerPort: kind.port, hostIp: cfg.PHLEET_PUBLISH_HOST, hostPort: env.publishedPort },
            ...(env.httpsPort ? [{ containerPort: 443, hostIp: cfg.PHLEET_PUBLISH_HOST, hostPort: env.httpsPort }] : []),
          ]
        : undefined,
  });
  await db().node.update({ where: { id: node.id }, data: { containerId: state.id } });
  await recordAddress(node, state, network);
  // The app layer's current release and variables, before the node starts (so before it can join the balancer).
  await applyAppLayerState(rt, env.id, { role: node.role, containerId: state.id });
  return state;
}

/**
 * A new instance of an existing node, made by the runtime rather than by Phleet (a Swarm task placed again
 * after its host was lost, or replaced on a restart): it gets what createNodeContainer gives a new container,
 * before the runtime lets it start. Registered with the runtime at start (server/background).
 */
export async function provisionNodeInstance(rt: ContainerRuntime, id: string, labels: Record<string, string>): Promise<void> {
  const node = await db().node.findUnique({ where: { id: labels[LABEL.node] ?? "" }, include: { environment: { include: { nodes: true } } } });
  if (!node) return;
  const { environment: env, ...row } = node;
  const state = await rt.inspectContainer(id);
  const current = state ? await recordAddress(row, state, networkName(config().PHLEET_INSTANCE, env.name)) : row;
  const all = env.nodes.map((n) => (n.id === current.id ? current : n));
  const database = current.role === "database" ? await databaseNodeSetup(env.id, current.type) : null;
  const files = await nodeFiles(env, current, all, database);
  await rt.writeFiles(id, [...files, ...(await resolveFirstFiles(rt, current, all))]);
  if (current.role === "app" && env.sessionType === "memcached") {
    const ini = files.find((f) => f.path === phpOf(current.type).sessionIniPath)?.content ?? "";
    log.debug({ node: current.hostname, savePath: /^session\.save_path = "(.*)"$/m.exec(ini)?.[1] }, "new instance of an app server provisioned");
  }
  await rt.updateResources(id, await limitsForNode(env.id, current.role, current.type));
  await applyAppLayerState(rt, env.id, { role: current.role, containerId: id });
}
