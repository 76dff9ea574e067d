import { db, type NodeRow } from "../db/client";
import { RuntimeError } from "../runtime/errors";
import type { ContainerRuntime } from "../runtime/types";
import { nodeKind } from "../node-kinds";
import {
  HAPROXY_BACKEND,
  HAPROXY_BACKEND_PATH,
  HAPROXY_CONF_PATH,
  HAPROXY_SERVER_OPTIONS,
  HAPROXY_SOCKET,
  haproxyServerName,
  renderHaproxyBackend,
} from "../node-kinds/haproxy-render";
import { HAPROXY_RELOAD } from "../node-kinds/haproxy-lb";
import { renderUpstreamConf, UPSTREAM_CONF_PATH, type BalancerUpstream } from "../node-kinds/render";
import { sleep, waitFor } from "../wait";
import { listWorkers, reloadAndWait } from "./reload";

/**
 * The balancers' list of app servers, for both balancer types: NGINX gets a rewritten upstream file and a
 * graceful reload; HAProxy gets its servers added, put in maintenance or back in rotation through its runtime
 * API (no reload), with its backend file rewritten too so that a restart starts from the same list. With two
 * balancers (several hosts), both get the same list.
 */

interface Target {
  balancer: NodeRow & { containerId: string };
  /** Every app server that should take requests now, in ordinal order. */
  upstreams: BalancerUpstream[];
}

/** One target per balancer of the environment that has a container. */
async function targets(envId: string, drain: Set<string>): Promise<Target[]> {
  const nodes = await db().node.findMany({ where: { environmentId: envId } });
  const balancers = nodes.filter((n) => n.role === "balancer").sort((a, b) => a.ordinal - b.ordinal);
  const withContainer = balancers.filter((b): b is typeof b & { containerId: string } => !!b.containerId);
  if (!withContainer.length) throw new RuntimeError("the environment has no balancer container", "not_found");
  const apps = nodes.filter((n) => n.role === "app").sort((a, b) => a.ordinal - b.ordinal);
  const upstreams = apps.filter((a) => !drain.has(a.id)).map((a) => ({ ip: a.ip, port: nodeKind(a.type).port }));
  return withContainer.map((b) => ({ balancer: b, upstreams }));
}

/**
 * Runs `fn` on every balancer, each tried whatever happens to the others. With two, one that does not run (its host
 * lost, say) is left out while the other took the change: it gets the app servers of the database when it starts
 * again (its files are rendered then). Fails when a running balancer failed, or when none took the change.
 */
async function onEveryBalancer(rt: ContainerRuntime, list: Target[], fn: (t: Target) => Promise<unknown>): Promise<void> {
  const running = async (t: Target) => !!(await rt.inspectContainer(t.balancer.containerId).catch(() => null))?.running;
  // Not even tried when another one runs: on several hosts a call into a node without a task waits for Swarm to
  // place one (a stopped node never gets one).
  let tried = list;
  if (list.length > 1) {
    const up = await Promise.all(list.map(running));
    if (up.some(Boolean)) tried = list.filter((_, i) => up[i]);
  }
  const results = await Promise.allSettled(tried.map((t) => fn(t)));
  const failed: { t: Target; err: unknown }[] = [];
  results.forEach((r, i) => {
    if (r.status === "rejected") failed.push({ t: tried[i]!, err: r.reason });
  });
  if (!failed.length) return;
  // One that stopped meanwhile is left out like the others, while another took the change.
  if (failed.length < tried.length && (await Promise.all(failed.map((f) => running(f.t)))).every((up) => !up)) return;
  throw failed[0]!.err;
}

/** Brings every balancer's app servers in line with the database, minus the drained ones. */
export async function syncBalancer(rt: ContainerRuntime, envId: string, opts: { drain?: string[] } = {}): Promise<void> {
  await onEveryBalancer(rt, await targets(envId, new Set(opts.drain ?? [])), (t) => (t.balancer.type === "haproxy" ? syncHaproxy(rt, t) : syncNginx(rt, envId, t)));
}

/**
 * Takes app servers out of rotation on every balancer and returns once nothing is on its way to them any more
 * (bounded by `maxWaitMs`, after which their in-flight requests are left to finish on their own).
 */
export async function drainFromBalancer(
  rt: ContainerRuntime,
  envId: string,
  nodeIds: string[],
  opts: { maxWaitMs?: number; fallbackWaitMs?: number } = {},
): Promise<void> {
  await onEveryBalancer(rt, await targets(envId, new Set(nodeIds)), (t) => drainFrom(rt, envId, t, nodeIds, opts));
}

async function drainFrom(
  rt: ContainerRuntime,
  envId: string,
  t: Target,
  nodeIds: string[],
  { maxWaitMs = 10_000, fallbackWaitMs = 1000 }: { maxWaitMs?: number; fallbackWaitMs?: number },
): Promise<void> {
  const leaving = (await db().node.findMany({ where: { id: { in: nodeIds } } })).map((n) => haproxyServerName({ ip: n.ip, port: nodeKind(n.type).port }));
  if (t.balancer.type === "haproxy") {
    await syncHaproxy(rt, t);
    // A server in maintenance gets no new request; its current ones finish (scur counts them).
    await waitFor(
      "the drained servers' requests to finish",
      async () => (await haproxyServers(rt, t.balancer.containerId)).filter((s) => leaving.includes(s.name)).every((s) => s.current === 0),
      { timeoutMs: maxWaitMs, intervalMs: 100 },
    ).catch(() => undefined);
    return;
  }
  const lb = t.balancer.containerId;
  const began = Date.now();
  const before = await listWorkers(rt, lb, "nginx").catch(() => [] as string[]);
  const reloaded = await syncNginx(rt, envId, t);
  // No reload when they were drained already (a retry after a rollback): nothing to wait for.
  if (!reloaded) return;
  // nginx reloads asynchronously: an old worker could still send a request. It exits once its requests are
  // answered, so when every old worker is gone nothing is on its way to the drained servers.
  const oldWorkersGone =
    before.length > 0 &&
    (await waitFor(
      "the old balancer workers to exit",
      async () => {
        const now = new Set(await listWorkers(rt, lb, "nginx").catch(() => [] as string[]));
        return !before.some((p) => now.has(p));
      },
      { timeoutMs: maxWaitMs, intervalMs: 100 },
    ).catch(() => false));
  // Only when that could not be seen (no worker list, or old workers still busy) does a fixed time apply.
  if (!oldWorkersGone) await sleep(Math.max(0, fallbackWaitMs - (Date.now() - began)));
}

// ---- NGINX ----

/** Rewrites the upstream, checks it with `nginx -t` and reloads; on a failed check the previous file is put back. True when it changed. */
async function syncNginx(rt: ContainerRuntime, envId: string, t: Target): Promise<boolean> {
  const lb = t.balancer.containerId;
  let upstreams = t.upstreams;
  // Drained servers are left out rather than marked down: with one server left, nginx never marks the
  // group unavailable after a failed attempt (max_fails), so a drain cannot turn a hiccup into 502s.
  if (!upstreams.length) {
    const first = await db().node.findFirst({ where: { environmentId: envId, role: "app" }, orderBy: { ordinal: "asc" } });
    upstreams = first ? [{ ip: first.ip, port: nodeKind(first.type).port }] : []; // nginx needs one server
  }
  const next = renderUpstreamConf(upstreams);
  const previous = await rt.readFile(lb, UPSTREAM_CONF_PATH);
  if (previous === next) return false;
  await rt.writeFiles(lb, [{ path: UPSTREAM_CONF_PATH, content: next }]);
  const check = await rt.exec(lb, ["nginx", "-t", "-q"], { timeoutMs: 10_000 });
  if (check.exitCode !== 0) {
    if (previous !== null) await rt.writeFiles(lb, [{ path: UPSTREAM_CONF_PATH, content: previous }]);
    throw new RuntimeError(`the balancer refused the new upstream: ${check.stderr.trim()}`, "failed");
  }
  const reload = await rt.exec(lb, ["nginx", "-s", "reload"], { timeoutMs: 10_000 });
  if (reload.exitCode !== 0) throw new RuntimeError(`nginx reload failed: ${reload.stderr.trim()}`, "failed");
  return true;
}

// ---- HAProxy ----

interface HaproxyServer {
  name: string;
  /** UP, DOWN, MAINT, DRAIN, "no check"… as `show stat` says. */
  status: string;
  /** Requests on their way to it now. */
  current: number;
}

/**
 * Sends runtime API commands, one connection each, and returns their answers in order. Runs as root: the
 * socket is the master's (mode 600).
 */
async function haproxyApi(rt: ContainerRuntime, containerId: string, commands: string[]): Promise<string[]> {
  const script = `for c in "$@"; do printf '%s\\n' "$c" | socat -t 5 stdio "unix-connect:${HAPROXY_SOCKET}" || exit 3; printf '\\036\\n'; done`;
  const r = await rt.exec(containerId, ["sh", "-c", script, "api", ...commands], { timeoutMs: 15_000, user: "root" });
  if (r.exitCode !== 0) throw new RuntimeError(`the HAProxy runtime API did not answer: ${(r.stderr || r.stdout).trim() || `exit ${r.exitCode}`}`, "failed");
  return r.stdout.split("\x1e\n").slice(0, commands.length).map((s) => s.trim());
}

/** The servers of the app backend, from `show stat` (CSV with a `# pxname,svname,…` header). */
async function haproxyServers(rt: ContainerRuntime, containerId: string): Promise<HaproxyServer[]> {
  const [csv = ""] = await haproxyApi(rt, containerId, ["show stat"]);
  const [header, ...rows] = csv.split("\n");
  const cols = (header ?? "").replace(/^#\s*/, "").split(",");
  const at = (name: string) => cols.indexOf(name);
  return rows
    .map((line) => line.split(","))
    .filter((f) => f[at("pxname")] === HAPROXY_BACKEND && f[at("svname")] !== "BACKEND" && f[at("svname")] !== "FRONTEND")
    .map((f) => ({ name: f[at("svname")]!, status: f[at("status")] ?? "", current: Number(f[at("scur")] ?? 0) }));
}

async function syncHaproxy(rt: ContainerRuntime, t: Target): Promise<void> {
  const lb = t.balancer.containerId;
  // The file first: whatever happens at run time, the next start or reload has the right servers.
  const file = renderHaproxyBackend(t.upstreams);
  const previous = await rt.readFile(lb, HAPROXY_BACKEND_PATH);
  if (previous !== file) await rt.writeFiles(lb, [{ path: HAPROXY_BACKEND_PATH, content: file }]);

  let running: HaproxyServer[];
  try {
    running = await haproxyServers(rt, lb);
  } catch {
    // No runtime API (the socket was edited away): a checked graceful reload reads the file instead.
    await reloadHaproxy(rt, lb, previous);
    return;
  }
  const wanted = new Map(t.upstreams.map((u) => [haproxyServerName(u), u]));
  const server = (name: string) => `${HAPROXY_BACKEND}/${name}`;
  const commands: string[] = [];
  for (const [name, u] of wanted) {
    const now = running.find((s) => s.name === name);
    // A dynamic server starts in maintenance with its check off.
    if (!now) commands.push(`add server ${server(name)} ${u.ip}:${u.port} ${HAPROXY_SERVER_OPTIONS}`, `enable health ${server(name)}`, `set server ${server(name)} state ready`);
    else if (now.status.startsWith("MAINT")) commands.push(`set server ${server(name)} state ready`);
  }
  // Servers leaving rotation go to maintenance (no new request; the current ones finish). Servers from the
  // file cannot be deleted at run time in HAProxy 2.6; they stay listed, idle, until the next reload.
  for (const s of running) if (!wanted.has(s.name) && !s.status.startsWith("MAINT")) commands.push(`set server ${server(s.name)} state maint`);
  if (!commands.length) return;
  const answers = await haproxyApi(rt, lb, commands);
  const refused = answers.map((a, i) => ({ a, c: commands[i]! })).filter(({ a }) => a !== "" && !/^New server registered\.?$/.test(a));
  if (refused.length) throw new RuntimeError(`HAProxy refused: ${refused.map(({ c, a }) => `'${c}': ${a}`).join("; ")}`, "failed");
}

/** Checks both files with `haproxy -c`, then reloads gracefully; on a failed check the previous backend file is put back. */
async function reloadHaproxy(rt: ContainerRuntime, lb: string, previousBackend: string | null): Promise<void> {
  const check = await rt.exec(lb, ["haproxy", "-c", "-f", HAPROXY_CONF_PATH, "-f", HAPROXY_BACKEND_PATH], { timeoutMs: 10_000, user: "root" });
  if (check.exitCode !== 0) {
    if (previousBackend !== null) await rt.writeFiles(lb, [{ path: HAPROXY_BACKEND_PATH, content: previousBackend }]);
    throw new RuntimeError(`the balancer refused the new servers: ${(check.stderr || check.stdout).trim()}`, "failed");
  }
  const reload = await reloadAndWait(rt, lb, HAPROXY_RELOAD);
  if (reload.exitCode !== 0) throw new RuntimeError(`HAProxy reload failed: ${reload.stderr.trim()}`, "failed");
}
