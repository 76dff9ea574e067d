import type { ResourceLimits } from "../contracts/limits";

/**
 * Default resource limits per node kind: enough for the kind's own settings (PHP's memory_limit 128M times a
 * few workers, redis maxmemory 128mb, memcached -m 64) with headroom, small enough that one runaway script
 * cannot take the host. Editable per layer (server/environments/limits-service.ts).
 */
export const DEFAULT_LIMITS: Record<string, ResourceLimits> = {
  "apache-php": { memoryMb: 512, cpus: 1, pids: 512 },
  "nginx-php": { memoryMb: 512, cpus: 1, pids: 512 },
  memcached: { memoryMb: 128, cpus: 0.5, pids: 128 },
  redis: { memoryMb: 256, cpus: 0.5, pids: 128 },
  nginx: { memoryMb: 128, cpus: 1, pids: 256 },
};

const FALLBACK: ResourceLimits = { memoryMb: 256, cpus: 1, pids: 256 };

export function defaultLimits(nodeType: string): ResourceLimits {
  return DEFAULT_LIMITS[nodeType] ?? FALLBACK;
}
