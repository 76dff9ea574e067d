import { log } from "../log";
import { runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";
import { sleep } from "../wait";

/** Docker object names: readable, and prefixed by the instance when it is not the default one. */
export function resourcePrefix(instance: string): string {
  return instance === "default" ? "phleet" : `phleet-${instance}`;
}
export const networkName = (instance: string, envName: string) => `${resourcePrefix(instance)}-${envName}`;
export const containerName = (instance: string, hostname: string) => `${resourcePrefix(instance)}-${hostname}`;

/**
 * How other nodes reach a node: its fixed IP on one engine; on several hosts its hostname, which the network's
 * DNS resolves to wherever its task runs now (a moved task gets a new IP).
 */
export const nodeAddress = (node: { ip: string; hostname: string }): string => (runtime().addressing === "name" ? node.hostname : node.ip);

/**
 * Where nodes reach each other by name (several hosts): waits (bounded) until the node `fromContainerId` resolves
 * each target's hostname to the target's current address. A task that moved is running a few seconds before the
 * network's DNS on other hosts names it (seen: 4-10 s); a PHP worker that cannot resolve a session node leaves it
 * out for that request, so its writes miss that node and a later read finds an old copy, or none. A no-op where
 * nodes use fixed IPs. Returns whether every name resolved in time.
 */
export async function waitUntilNamesResolve(rt: ContainerRuntime, fromContainerId: string, targets: { hostname: string; ip: string }[], timeoutMs = 30_000): Promise<boolean> {
  if (rt.addressing !== "name" || targets.length === 0) return true;
  const deadline = Date.now() + timeoutMs;
  let pending = targets;
  for (;;) {
    const r = await rt.exec(fromContainerId, ["sh", "-c", 'for n in "$@"; do echo "$n $(getent ahostsv4 "$n" | cut -d" " -f1 | sort -u | tr "\\n" " ")"; done', "resolve", ...pending.map((t) => t.hostname)], { timeoutMs: 10_000 }).catch(() => null);
    const answers = new Map((r?.stdout ?? "").split("\n").filter(Boolean).map((l) => [l.split(" ")[0]!, l.split(" ").slice(1)] as const));
    pending = pending.filter((t) => !(answers.get(t.hostname) ?? []).includes(t.ip));
    if (pending.length === 0) return true;
    if (Date.now() > deadline) {
      log.warn({ from: fromContainerId.slice(0, 12), names: pending.map((t) => `${t.hostname}=${t.ip}`) }, "names still do not resolve to the nodes' current addresses; going on");
      return false;
    }
    await sleep(250);
  }
}