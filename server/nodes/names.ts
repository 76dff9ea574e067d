/** Docker object names: readable, and prefixed by the instance when it is not the default one. */
export function resourcePrefix(instance: string): string {
  return instance === "default" ? "phleet" : `phleet-${instance}`;
}
export const networkName = (instance: string, envName: string) => `${resourcePrefix(instance)}-${envName}`;
export const containerName = (instance: string, hostname: string) => `${resourcePrefix(instance)}-${hostname}`;
