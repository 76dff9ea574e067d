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

export const HostList = z
  .object({
    mode: z.enum(["single-engine", "swarm"]),
    hosts: z.array(Host),
    joinCommand: z.string().nullable().describe("Swarm: the command that joins a new host as a worker (holds the join token)"),
  })
  .meta({ id: "HostList" });
export type HostList = z.infer<typeof HostList>;
