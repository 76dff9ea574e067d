import { RESOLVE_BEFORE_START_FILE, type ContainerSpec, type ContainerState, type ContainerStatus, type Labels } from "../types";

/**
 * Pure translation between Phleet's container terms and Swarm's: a node is a service with one replica whose
 * task runs the node's image behind a start gate, and a service's current task reads as one container.
 */

/** The file Phleet writes into a task's container to let its main process start (see GATE_SCRIPT). */
export const GATE_FILE = "/run/phleet-start";

/**
 * A task's container waits for GATE_FILE before it runs the image's own entrypoint. Swarm starts a task as
 * soon as it places it (on any host, after any failure); the gate gives Phleet the moment between "the
 * container exists" and "the node runs" that the single engine has between create and start, to write the
 * node's files (its layer's saved config, secrets, release) into it.
 */
// The TERM trap: a task stopped while it waits (Phleet moving it before it serves) exits at once instead of
// holding up Swarm for the stop grace period; exec resets the trap for the node's own process.
// Then, for at most 20 s in all, the names of RESOLVE_BEFORE_START_FILE.
const GATE_SCRIPT =
  `trap 'exit 0' TERM; while [ ! -e ${GATE_FILE} ]; do sleep 0.1; done; ` +
  `i=0; for n in $(cat ${RESOLVE_BEFORE_START_FILE} 2>/dev/null); do ` +
  `while [ $i -lt 200 ] && ! getent hosts "$n" >/dev/null; do sleep 0.1; i=$((i+1)); done; done; exec "$@"`;

/**
 * The service label that keeps a node's ContainerSpec.spreadOver (JSON): the labels of the nodes it is placed
 * away from, read again whenever Swarm gives the service a new task.
 */
export const SPREAD_LABEL = "phleet.swarm.spread-over";

/** What the spec needs to know of the node image (from the builder engine's inspect). */
export interface ImageRun {
  entrypoint: string[];
  cmd: string[];
  healthcheck?: { Test?: string[] } | null;
}

export interface PlacementInput {
  /** Swarm node ids that already run a node of the same layer: avoided while other hosts are ready. */
  avoid: string[];
  /** Swarm node ids that are ready and active. */
  available: string[];
  /** The one host a node with a local volume (a database) stays on. */
  pinTo?: string;
}

/** Constraints for a new task: pinned, or away from the layer's other hosts when some other host is ready. */
export function placementConstraints(p: PlacementInput): string[] {
  if (p.pinTo) return [`node.id==${p.pinTo}`];
  const free = p.available.filter((id) => !p.avoid.includes(id));
  return free.length ? p.avoid.map((id) => `node.id!=${id}`) : [];
}

/**
 * Whether a task on `nodeId` breaks the constraints its layer asks for now. Swarm reschedules a moved task with
 * the constraints its service was created with, which do not know the layer's later nodes: the first node of a
 * layer, created with none, can be moved onto the host of the second.
 */
export const breaksSpread = (nodeId: string, constraints: string[]): boolean => constraints.includes(`node.id!=${nodeId}`);

const SECOND_NS = 1_000_000_000;

export function serviceSpec(spec: ContainerSpec, opts: { image: string; run: ImageRun; constraints: string[] }) {
  const test = opts.run.healthcheck?.Test;
  return {
    Name: spec.name,
    Labels: spec.spreadOver ? { ...spec.labels, [SPREAD_LABEL]: JSON.stringify(spec.spreadOver) } : spec.labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: opts.image,
        Labels: spec.labels,
        Hostname: spec.hostname,
        Env: spec.env,
        Command: ["/bin/sh", "-c", GATE_SCRIPT, "phleet-gate", ...opts.run.entrypoint, ...(spec.cmd ?? opts.run.cmd)],
        Args: [],
        Mounts: (spec.volumes ?? []).map((v) => ({ Type: "volume", Source: v.name, Target: v.target, VolumeOptions: { Labels: v.labels } })),
        // The image's own check, with room for a loaded machine and for the gate: failures while the task waits
        // for Phleet (the start period) do not count, and a 2 s timeout would have Swarm replace a busy node.
        ...(test && test[0] !== "NONE"
          ? { HealthCheck: { Test: test, Interval: 5 * SECOND_NS, Timeout: 10 * SECOND_NS, Retries: 5, StartPeriod: 600 * SECOND_NS } }
          : {}),
        CapabilityDrop: ["NET_RAW", "MKNOD", "SYS_CHROOT", "AUDIT_WRITE", "SETFCAP"],
      },
      Resources: spec.resources
        ? { Limits: { NanoCPUs: Math.round(spec.resources.cpus * 1e9), MemoryBytes: spec.resources.memoryMb * 1024 * 1024, Pids: spec.resources.pids } }
        : undefined,
      RestartPolicy: { Condition: "any", Delay: SECOND_NS / 2 },
      Placement: { Constraints: opts.constraints },
      Networks: [{ Target: spec.network.name, Aliases: [spec.hostname, ...(spec.network.aliases ?? [])] }],
      LogDriver: { Name: "json-file", Options: { "max-size": "10m", "max-file": "3" } },
    },
    Mode: { Replicated: { Replicas: 1 } },
    // No service VIP (this kernel has no IPVS): the name resolves to the task's own address. Ports are published
    // on the host that runs the task, not through the routing mesh.
    EndpointSpec: {
      Mode: "dnsrr",
      Ports: (spec.publish ?? []).map((p) => ({ Protocol: "tcp", TargetPort: p.containerPort, PublishedPort: p.hostPort, PublishMode: "host" })),
    },
  };
}

/** The parts of a Swarm task Phleet reads. */
export interface SwarmTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  CreatedAt?: string;
  Status: { Timestamp?: string; State: string; Err?: string; Message?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
  NetworksAttachments?: { Network: { Spec: { Name: string } }; Addresses?: string[] }[];
}

export interface SwarmService {
  ID: string;
  Version: { Index: number };
  Spec: { Name: string; Labels?: Labels; Mode?: { Replicated?: { Replicas?: number } }; TaskTemplate?: { ContainerSpec?: { Image?: string } } } & Record<string, unknown>;
  Endpoint?: { Ports?: { TargetPort?: number; PublishedPort?: number; Protocol?: string }[] };
}

/** The task's container exists and runs (behind the gate, or its process). */
export const isUp = (task: SwarmTask | undefined): boolean =>
  !!task?.Status.ContainerStatus?.ContainerID && (task.Status.State === "running" || task.Status.State === "starting");

/** The task that is the node now: the newest one meant to run (a task Swarm is replacing has desired "shutdown"). */
export function currentTask(tasks: SwarmTask[]): SwarmTask | undefined {
  return tasks
    .filter((t) => t.DesiredState === "running")
    .sort((a, b) => Date.parse(b.CreatedAt ?? "") - Date.parse(a.CreatedAt ?? ""))[0];
}

function taskIps(task: SwarmTask | undefined): Record<string, string> {
  const ips: Record<string, string> = {};
  for (const a of task?.NetworksAttachments ?? []) {
    const addr = a.Addresses?.[0];
    if (addr) ips[a.Network.Spec.Name] = addr.split("/")[0]!;
  }
  return ips;
}

/**
 * A service as one container. `gateOpen` is whether Phleet let the current task's process start; `hostDown` is
 * whether the host running it is lost (Swarm has not noticed yet, or is moving the task).
 */
export function stateOfService(
  svc: SwarmService,
  task: SwarmTask | undefined,
  opts: { gateOpen: boolean; hostDown: boolean; host?: string; hostAddress?: string; health: ContainerState["health"]; restarts: number },
): ContainerState {
  const replicas = svc.Spec.Mode?.Replicated?.Replicas ?? 1;
  const taskState = task?.Status.State;
  let status: ContainerStatus;
  if (replicas === 0) status = "stopped";
  else if (!task || opts.hostDown) status = "dead";
  else if (isUp(task)) {
    // Swarm holds a task with a health check in "starting" until its first pass, gated or not.
    const health = taskState === "starting" && opts.health !== "unhealthy" ? "starting" : opts.health;
    status = !opts.gateOpen ? "created" : health === "starting" ? "starting" : health === "unhealthy" ? "unhealthy" : "running";
  }
  // On its way (placed, pulling, starting behind the gate): not running, and nothing starts it but Phleet.
  else if (["new", "pending", "assigned", "accepted", "preparing", "ready", "starting"].includes(taskState ?? "")) status = "created";
  else status = "dead";
  const running = status === "running" || status === "starting" || status === "unhealthy";
  return {
    id: svc.ID,
    name: svc.Spec.Name,
    image: svc.Spec.TaskTemplate?.ContainerSpec?.Image ?? "",
    labels: svc.Spec.Labels ?? {},
    status,
    running,
    health: running ? opts.health : null,
    ips: taskIps(task),
    exitCode: running ? null : (task?.Status.ContainerStatus?.ExitCode ?? null),
    startedAt: isUp(task) ? (task?.Status.Timestamp ?? null) : null,
    finishedAt: null,
    restartCount: opts.restarts,
    error: task?.Status.Err || null,
    ports: (svc.Endpoint?.Ports ?? []).map((p) => ({ containerPort: p.TargetPort ?? 0, protocol: p.Protocol ?? "tcp", hostPort: p.PublishedPort })),
    host: opts.host,
    hostAddress: opts.hostAddress,
    pinnedToHost: pinnedToHost(svc),
  };
}

/** Whether the service is pinned to one host (placementConstraints' pinTo: a node whose volume is local there). */
export function pinnedToHost(svc: SwarmService): boolean {
  return ((svc.Spec.TaskTemplate as { Placement?: { Constraints?: string[] } } | undefined)?.Placement?.Constraints ?? []).some((c) => c.startsWith("node.id=="));
}
