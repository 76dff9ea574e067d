import { DockerRuntime } from "./docker/docker-runtime";
import type { ContainerRuntime } from "./types";

export * from "./types";
export * from "./labels";
export * from "./errors";

const g = globalThis as unknown as { __phleetRuntime?: ContainerRuntime };

/** The process-wide runtime (the local Docker engine, or DOCKER_HOST). */
export function runtime(): ContainerRuntime {
  g.__phleetRuntime ??= new DockerRuntime();
  return g.__phleetRuntime;
}
