import { nodeAddress, waitUntilNamesResolve } from "./names";
import { db } from "../db/client";
import { log } from "../log";
import { RuntimeError } from "../runtime/errors";
import type { ContainerRuntime } from "../runtime/types";
import { nodeKind, phpOf } from "../node-kinds";
import { memcachedSavePath, withSavePath } from "../node-kinds/render";
import { waitHealthy } from "./health";
import { reloadAndWait } from "./reload";

/**
 * Re-admitting a memcached session node that comes back empty, without serving an empty or stale session:
 * 1. while it is down, the app servers leave it out (no write or lock waits on a dead server); 2. it is
 *    started; 3. every app server lists it with weight 1 (no reads from it, replica writes go to it); 4. every
 *    session on a surviving node is copied to it with `add`, which never overwrites a newer replica write;
 *    5. it gets its normal weight back.
 *
 * Each step is safe only once no PHP worker with the previous save_path is left: a graceful reload returns
 * before the old workers are gone, so every reload here waits until each worker that existed before it has
 * exited (the config editor's reload-and-wait). An old worker left serving after step 1 would read the
 * restarted, empty node; one left after step 3 would write a session to one node only, and the next request
 * could read the older copy from the other. Apache's keep-alive is off in the image for the same reason: a
 * prefork child serves every request of its balancer connection, long after a graceful reload.
 *
 * Callers hold the environment's operation lock (heal, node actions, rolling restarts), so the exclusion on a node's death and its
 * rejoin never interleave, nor race a config save of the same ini file.
 *
 * Known limit: while step 5's reload runs (until its old workers are gone), old and new workers take a
 * session's lock on different nodes, so two concurrent requests of one session are not serialised then.
 */

async function setAppSavePath(rt: ContainerRuntime, envId: string, opts: { joiningIp?: string; excludeIp?: string } = {}) {
  const nodes = await db().node.findMany({ where: { environmentId: envId } });
  const storeIps = nodes
    .filter((n) => n.role === "session" && n.ip !== opts.excludeIp)
    .sort((a, b) => a.ordinal - b.ordinal)
    .map(nodeAddress);
  const savePath = memcachedSavePath(storeIps, opts.joiningIp);
  // All app servers at once: the step is done when the slowest one has no old worker left.
  const apps = nodes.filter((n) => n.role === "app" && n.containerId);
  await Promise.all(
    apps.map(async (app) => {
      const php = phpOf(app.type);
      const path = php.sessionIniPath;
      // An app server that is not running has no worker to reload. Where a stopped node keeps its files (one
      // engine) the new save_path is written for its next start; where its next start is a new instance (a Swarm
      // task: provisioned under this same lock, from the store nodes' state then) there is nothing to write.
      const live = await rt.inspectContainer(app.containerId!);
      if (!live?.running && rt.instancesAreReplaced) return;
      const current = await rt.readFile(app.containerId!, path);
      if (current === null) return;
      const next = withSavePath(current, savePath, storeIps.length);
      // Unchanged: the call that wrote it has reloaded and waited already (calls run one at a time).
      if (next === current) return;
      await rt.writeFiles(app.containerId!, [{ path, content: next }]);
      if (!live?.running) return;
      const started = Date.now();
      const r = await reloadAndWait(rt, app.containerId!, php.reload);
      if (r.exitCode !== 0 || r.stderr.trim()) log.warn({ node: app.hostname, exitCode: r.exitCode, err: r.stderr.trim() }, "PHP reload after a save_path change did not finish cleanly");
      else log.debug({ node: app.hostname, savePath, ms: Date.now() - started }, "PHP reloaded with a new save_path; no worker with the old one is left");
    }),
  );
}

/** PHP run inside an app server: lists the survivor's keys (lru_crawler metadump) and adds each to the joiner. */
const COPY_SCRIPT = String.raw`
[$_, $from, $to] = $argv;
$src = new Memcached(); $src->addServer($from, 11211); $src->setOption(Memcached::OPT_BINARY_PROTOCOL, true);
$dst = new Memcached(); $dst->addServer($to, 11211); $dst->setOption(Memcached::OPT_BINARY_PROTOCOL, true);
$dst->setOption(Memcached::OPT_COMPRESSION, false);
$s = @fsockopen($from, 11211, $errno, $errstr, 2);
if (!$s) { fwrite(STDERR, "cannot reach $from: $errstr\n"); exit(1); }
fwrite($s, "lru_crawler metadump all\r\n");
$keys = [];
while (($line = fgets($s)) !== false) {
  $line = rtrim($line);
  if ($line === "END" || str_starts_with($line, "ERROR") || str_starts_with($line, "BUSY")) break;
  if (preg_match('/^key=(\S+) exp=(-?\d+)/', $line, $m)) $keys[urldecode($m[1])] = (int)$m[2];
}
fclose($s);
$copied = 0; $kept = 0; $now = time();
foreach ($keys as $key => $exp) {
  if (str_contains($key, "lock.")) continue;
  $value = $src->get($key);
  if ($src->getResultCode() !== Memcached::RES_SUCCESS) continue;
  $ttl = $exp <= 0 ? 0 : max(1, $exp - $now);
  if ($dst->add($key, $value, $ttl)) $copied++;
  elseif ($dst->getResultCode() === Memcached::RES_NOTSTORED || $dst->getResultCode() === Memcached::RES_DATA_EXISTS) $kept++;
  // Not "it has a newer copy": the joiner did not take the write (unreachable, unresolvable): a failed refill.
  else { fwrite(STDERR, "cannot write to $to: " . $dst->getResultMessage() . "\n"); exit(1); }
}
echo json_encode(["keys" => count($keys), "copied" => $copied, "newer" => $kept]);
`;

/**
 * Leaves a memcached node that just died out of every app server's save_path at once, before it is healed:
 * until then each PHP request that tries it first (its session lock above all) fails on it.
 */
export async function excludeMemcachedNode(rt: ContainerRuntime, nodeId: string): Promise<void> {
  const node = await db().node.findUnique({ where: { id: nodeId } });
  if (!node) return;
  await setAppSavePath(rt, node.environmentId, { excludeIp: node.ip });
  log.info({ node: node.hostname }, "session node left out of save_path while it is down");
}

export async function rejoinMemcachedNode(rt: ContainerRuntime, nodeId: string): Promise<{ copied: number; newer: number }> {
  const node = await db().node.findUnique({ where: { id: nodeId } });
  if (!node?.containerId) throw new RuntimeError("no such session node", "not_found");
  const envId = node.environmentId;
  await setAppSavePath(rt, envId, { excludeIp: node.ip });
  await rt.startContainer(node.containerId);
  await waitHealthy(rt, node.containerId, node.type, 60_000);

  const nodes = await db().node.findMany({ where: { environmentId: envId } });
  // Its address now: a new instance on another host has another IP, recorded when it was provisioned.
  const joiner = nodes.find((n) => n.id === node.id) ?? node;
  const survivor = nodes.find((n) => n.role === "session" && n.id !== node.id);
  // App servers that run now (on several hosts another one may be on a lost host, or waiting to start).
  const apps: typeof nodes = [];
  for (const n of nodes.filter((x) => x.role === "app" && x.containerId)) {
    if ((await rt.inspectContainer(n.containerId!))?.running) apps.push(n);
  }
  // Each of them must reach the joiner by its name before it is listed: a worker that cannot resolve it would
  // leave it out, and the replica writes of the next step would miss it.
  await Promise.all(apps.map((a) => waitUntilNamesResolve(rt, a.containerId!, [joiner])));
  // Before the copy, every worker must already write replicas to the joiner, or a write could miss both.
  await setAppSavePath(rt, envId, { joiningIp: nodeAddress(joiner) });

  const app = apps[0];
  let result = { copied: 0, newer: 0 };
  if (survivor && app?.containerId) {
    const r = await rt.exec(app.containerId, ["php", "-r", COPY_SCRIPT, nodeAddress(survivor), nodeAddress(joiner)], { timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new RuntimeError(`copying sessions to ${node.hostname} failed: ${r.stderr.trim() || r.stdout.trim()}`, "failed");
    result = JSON.parse(r.stdout) as typeof result;
  }
  await setAppSavePath(rt, envId);
  log.info({ node: node.hostname, ...result }, "session node re-admitted after a refill");
  return result;
}

/** A node of a replicated session store: stopping it must leave it out of save_path, starting it must refill it. */
export async function isReplicatedSessionNode(nodeId: string): Promise<boolean> {
  const node = await db().node.findUnique({ where: { id: nodeId }, include: { environment: true } });
  return !!node && !!nodeKind(node.type).sessionStore?.replicated(node.environment.sessionCount);
}

/** Stops a replicated session node without a request waiting on it: out of every save_path first. */
export async function stopReplicatedSessionNode(rt: ContainerRuntime, nodeId: string): Promise<void> {
  const node = await db().node.findUnique({ where: { id: nodeId } });
  if (!node?.containerId) throw new RuntimeError("no such session node", "not_found");
  await excludeMemcachedNode(rt, nodeId);
  await rt.stopContainer(node.containerId, 10);
}

/**
 * Restarts a replicated session node: a plain restart would bring it back empty while the app servers
 * still read sessions from it (a reset for every session it held). Left out, stopped, then re-admitted.
 */
export async function restartReplicatedSessionNode(rt: ContainerRuntime, nodeId: string): Promise<{ copied: number; newer: number }> {
  await stopReplicatedSessionNode(rt, nodeId);
  return rejoinMemcachedNode(rt, nodeId);
}
