import type { ResourceLimits } from "../types";

/**
 * What every node container runs with, beyond Docker's defaults: no raw sockets or device nodes, no chroot,
 * no way to gain privileges through setuid binaries, and the node's resource limits.
 */
const DROPPED_CAPABILITIES = ["NET_RAW", "MKNOD", "SYS_CHROOT", "AUDIT_WRITE", "SETFCAP"];
const SECURITY_OPTIONS = ["no-new-privileges:true"];

/** The engine's resource fields: memory without extra swap, CPU in billionths of a core, a process cap. */
export function engineResources(limits: ResourceLimits) {
  const memory = limits.memoryMb * 1024 * 1024;
  return { Memory: memory, MemorySwap: memory, NanoCpus: Math.round(limits.cpus * 1e9), PidsLimit: limits.pids };
}

export function hardenedHostConfig(limits: ResourceLimits | undefined) {
  return { CapDrop: DROPPED_CAPABILITIES, SecurityOpt: SECURITY_OPTIONS, ...(limits ? engineResources(limits) : {}) };
}
