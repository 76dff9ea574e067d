import { RuntimeError } from "../errors";
import type { NetworkSpec, NetworkState } from "../types";

/**
 * A network found by name is reused only when it is the one this spec would create: every label of the spec
 * (managed, instance, environment) and its subnet. Anything else with that name (another installation on the
 * same engine, a network made by hand) is refused, so two environments never share a network.
 */
export function adoptableNetwork(existing: NetworkState, spec: NetworkSpec): NetworkState {
  const wrong = Object.entries(spec.labels).filter(([k, v]) => existing.labels[k] !== v);
  const subnetDiffers = existing.subnets.length > 0 && !existing.subnets.includes(spec.subnet);
  if (!wrong.length && !subnetDiffers) return existing;
  const why = [
    ...wrong.map(([k, v]) => `label ${k} is ${existing.labels[k] === undefined ? "missing" : `'${existing.labels[k]}'`}, expected '${v}'`),
    ...(subnetDiffers ? [`subnet is ${existing.subnets.join(", ")}, expected ${spec.subnet}`] : []),
  ];
  return refuse(spec.name, why);
}

function refuse(name: string, why: string[]): never {
  throw new RuntimeError(
    `network ${name} already exists on the engine and is not this environment's (${why.join("; ")}); remove or rename that network, or use another environment name`,
    "conflict",
    409,
  );
}
