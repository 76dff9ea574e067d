import { runtime } from "../runtime";

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
