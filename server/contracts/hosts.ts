import { z } from "zod";

/** The hosts of a multi-host installation (Docker Swarm nodes) and what Phleet runs on each. */

export const HOST_ACTIONS = ["drain", "activate"] as const;
export const HostAction = z.enum(HOST_ACTIONS);
export type HostAction = z.infer<typeof HostAction>;

const HostNode = z.object({
  environmentId: z.string(),
  environmentName: z.string().nullable(),
  nodeId: z.string(),
  hostname: z.string().nullable(),
  role: z.string(),
  state: z.string().describe("The Swarm task's state on this host"),
});

export const Host = z
  .object({
    id: z.string(),
    name: z.string(),
    address: z.string(),
    role: z.enum(["leader", "manager", "worker"]),
    state: z.string().describe("ready, down, unknown, disconnected"),
    availability: z.string().describe("active, pause or drain"),
    engineVersion: z.string(),
    cpus: z.number(),
    memoryBytes: z.number(),
    labels: z.record(z.string(), z.string()),
    reachable: z.boolean().describe("Whether the control plane has this host's engine configured (exec, files, logs and stats need it)"),
    nodes: z.array(HostNode),
  })
  .meta({ id: "Host" });
export type Host = z.infer<typeof Host>;

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;

/** Swarm node labels (for placement constraints of your own, a zone say); Docker's rules for keys, bounded sizes. */
export const HostLabelsInput = z
  .object({
    labels: z
      .record(z.string(), z.string().max(256, "A label value is at most 256 characters"))
      .superRefine((labels, ctx) => {
        const keys = Object.keys(labels);
        if (keys.length > 32) ctx.addIssue({ code: "custom", message: "At most 32 labels per host" });
        for (const key of keys) {
          if (!LABEL_KEY.test(key)) ctx.addIssue({ code: "custom", path: [key], message: `'${key}': a label key is 1-128 letters, digits, '.', '_', '/' or '-', starting with a letter or digit` });
        }
      }),
  })
  .strict()
  .meta({ id: "HostLabelsInput" });
export type HostLabelsInput = z.infer<typeof HostLabelsInput>;

export const HostList = z
  .object({
    mode: z.enum(["single-engine", "swarm"]),
    hosts: z.array(Host),
    joinCommand: z.string().nullable().describe("Swarm: the command that joins a new host as a worker (holds the join token)"),
  })
  .meta({ id: "HostList" });
export type HostList = z.infer<typeof HostList>;
