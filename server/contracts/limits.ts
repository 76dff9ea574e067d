import { z } from "zod";

/** Resource limits of a layer's nodes (vertical scaling): memory, CPU share and process count per node. */

export const LIMIT_LAYERS = ["app", "session", "balancer"] as const;
export type LimitLayer = (typeof LIMIT_LAYERS)[number];

export const LIMIT_BOUNDS = {
  memoryMb: { min: 32, max: 65_536 },
  cpus: { min: 0.1, max: 64 },
  pids: { min: 32, max: 32_768 },
} as const;

export const ResourceLimits = z
  .object({
    memoryMb: z
      .number({ error: "memoryMb must be a number (megabytes)" })
      .int("memoryMb must be a whole number of megabytes")
      .min(LIMIT_BOUNDS.memoryMb.min, `memoryMb must be at least ${LIMIT_BOUNDS.memoryMb.min}`)
      .max(LIMIT_BOUNDS.memoryMb.max, `memoryMb must be at most ${LIMIT_BOUNDS.memoryMb.max}`)
      .describe("Memory per node in MB (no swap beyond it); a process that needs more is stopped by the kernel"),
    cpus: z
      .number({ error: "cpus must be a number" })
      .min(LIMIT_BOUNDS.cpus.min, `cpus must be at least ${LIMIT_BOUNDS.cpus.min}`)
      .max(LIMIT_BOUNDS.cpus.max, `cpus must be at most ${LIMIT_BOUNDS.cpus.max}`)
      .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, "cpus takes at most two decimals")
      .describe("CPU time per node, in cores (0.5 = half a core)"),
    pids: z
      .number({ error: "pids must be a number" })
      .int("pids must be a whole number")
      .min(LIMIT_BOUNDS.pids.min, `pids must be at least ${LIMIT_BOUNDS.pids.min}`)
      .max(LIMIT_BOUNDS.pids.max, `pids must be at most ${LIMIT_BOUNDS.pids.max}`)
      .describe("Processes and threads per node"),
  })
  .strict()
  .meta({ id: "ResourceLimits" });
export type ResourceLimits = z.infer<typeof ResourceLimits>;

export const LayerLimits = z
  .object({
    layer: z.enum(LIMIT_LAYERS),
    nodeType: z.string(),
    limits: ResourceLimits.describe("In force for every node of the layer"),
    defaults: ResourceLimits.describe("The node kind's defaults"),
    custom: z.boolean().describe("True when the layer has its own limits instead of the defaults"),
  })
  .meta({ id: "LayerLimits" });
export type LayerLimits = z.infer<typeof LayerLimits>;
