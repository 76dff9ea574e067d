import Docker from "dockerode";
import { config } from "../config";
import { DockerRuntime } from "./docker/docker-runtime";
import { parseSwarmHosts } from "./swarm/hosts";
import { SwarmRuntime } from "./swarm/swarm-runtime";
import type { ContainerRuntime } from "./types";

export * from "./types";
export * from "./labels";
export * from "./errors";

const g = globalThis as unknown as { __phleetRuntime?: ContainerRuntime };

/**
 * The process-wide runtime: the local Docker engine (or DOCKER_HOST) by default; a Swarm when PHLEET_SWARM_HOSTS
 * lists its hosts (README, "Several hosts"). Images are built on the local engine either way, and reach the hosts
 * through PHLEET_REGISTRY, or else through a registry Phleet runs on the local engine (swarm/own-registry.ts).
 */
export function runtime(): ContainerRuntime {
  g.__phleetRuntime ??= fromEnvironment(process.env);
  return g.__phleetRuntime;
}

function fromEnvironment(env: NodeJS.ProcessEnv): ContainerRuntime {
  if (!env.PHLEET_SWARM_HOSTS) return new DockerRuntime();
  const push = env.PHLEET_REGISTRY_PUSH || env.PHLEET_REGISTRY;
  const pull = env.PHLEET_REGISTRY;
  return new SwarmRuntime({
    hosts: parseSwarmHosts(env.PHLEET_SWARM_HOSTS, env.PHLEET_SWARM_TLS_DIR),
    builder: new Docker(),
    registry: pull && push ? { push, pull } : undefined,
    ownRegistry: { instance: config().PHLEET_INSTANCE, port: config().PHLEET_REGISTRY_PORT, advertise: config().PHLEET_REGISTRY_ADVERTISE },
  });
}
