/**
 * The container runtime as the rest of Phleet sees it: domain types only, no dockerode.
 * One Docker implementation lives in ./docker; tests of services may use a fake.
 */

export const CONTAINER_STATUSES = [
  "created",
  "starting", // running, health check not passed yet
  "running", // running and healthy (or no health check)
  "unhealthy",
  "restarting",
  "paused",
  "stopped",
  "dead",
  "removing",
  "missing", // no such container on the engine
] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

export type Labels = Record<string, string>;

export interface FileSpec {
  /** Absolute path inside the container. */
  path: string;
  content: string;
  mode?: number;
}

/** A node's resource limits, in the runtime's terms (the API's ResourceLimits has the same shape). */
export interface ResourceLimits {
  memoryMb: number;
  cpus: number;
  pids: number;
}

/**
 * Where nodes reach each other by name (several hosts, `addressing: "name"`): hostnames listed in this file, one
 * per line, are waited for (bounded) before the node's own process starts, because the network's DNS names a task
 * that just moved a few seconds after it runs. Written by Phleet with a node's files; ignored on one engine.
 */
export const RESOLVE_BEFORE_START_FILE = "/run/phleet-resolve";

export interface ContainerSpec {
  name: string;
  hostname: string;
  image: string;
  labels: Labels;
  network: { name: string; ip: string; aliases?: string[] };
  env?: string[];
  cmd?: string[];
  /** Ports published on the host; the balancer's port 80 is the environment's URL. */
  publish?: { containerPort: number; hostIp: string; hostPort: number }[];
  restartPolicy?: "no" | "on-failure" | "unless-stopped" | "always";
  /** Written into the container before its first start (through the archive API). */
  files?: FileSpec[];
  resources?: ResourceLimits;
  /** Named volumes mounted into the container (created with their labels if missing); they outlive the container. */
  volumes?: VolumeMount[];
  /** Several hosts: kept off the hosts that run other containers with these labels (a layer's other nodes) while others are free. */
  spreadOver?: Labels;
}

export interface VolumeSpec {
  name: string;
  labels: Labels;
}

export interface VolumeMount extends VolumeSpec {
  /** Absolute path inside the container. */
  target: string;
}

export interface VolumeState {
  name: string;
  labels: Labels;
}

export interface ContainerState {
  id: string;
  name: string;
  image: string;
  labels: Labels;
  status: ContainerStatus;
  running: boolean;
  health: "starting" | "healthy" | "unhealthy" | null;
  /** Address on each network the container is attached to, by network name. */
  ips: Record<string, string>;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  restartCount: number;
  error: string | null;
  ports: { containerPort: number; protocol: string; hostIp?: string; hostPort?: number }[];
  /** Several hosts: the host that runs it now, and that host's address (where its published ports are). */
  host?: string;
  hostAddress?: string;
  /** Several hosts: it stays on its host whatever happens (placed there for good: its volume is local to it). */
  pinnedToHost?: boolean;
}

export interface NetworkSpec {
  name: string;
  subnet: string;
  gateway: string;
  labels: Labels;
}

export interface NetworkState {
  id: string;
  name: string;
  labels: Labels;
  subnets: string[];
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  user?: string;
  env?: string[];
  timeoutMs?: number;
  stdin?: string;
}

export interface ImageBuildProgress {
  (line: string): void;
}

export interface LogLine {
  stream: "stdout" | "stderr";
  /** The engine's RFC 3339 timestamp with nanoseconds; strictly increasing per container, so a cursor. */
  timestamp: string;
  text: string;
}

export interface FollowLogsOptions {
  /** Only lines after this engine timestamp (exclusive). */
  after?: string;
  /** Only lines of the last N seconds when no cursor is given. */
  sinceSeconds?: number;
  /** Start at most this many lines from the end (the engine reads them from the end of its file, cheaply). */
  tail?: number;
  /** Only the container's stderr (the balancer's statistics lines), not its stdout (the access log). */
  stderrOnly?: boolean;
  signal?: AbortSignal;
}

export interface ReadLogsOptions {
  tail?: number;
  /** From this engine timestamp on (the engine may return the line at it too). */
  since?: string;
  /** Only the container's stderr. */
  stderrOnly?: boolean;
}

export interface ExecSessionOptions {
  /** A pseudo-terminal: stdout and stderr arrive as one raw stream, resizable. */
  tty: boolean;
  stdin: boolean;
  cols?: number;
  rows?: number;
  env?: string[];
  user?: string;
  workingDir?: string;
}

/** A running exec with its streams open: the web terminal's shell, or a `tail -F` that follows a file. */
export interface ExecSession {
  /** Raw output (with a TTY) or stdout; chunks as they come. */
  onData(fn: (chunk: Buffer, stream: "stdout" | "stderr") => void): void;
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Ends the session (closes its stream; the process gets a hangup through its terminal). */
  close(): void;
  /** Resolves with the exit code (null when it cannot be known) once the stream has ended. */
  readonly exited: Promise<number | null>;
}

export interface ContainerStats {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
}

export interface EngineEvent {
  type: string; // container, network, ...
  action: string; // start, die, kill, stop, health_status: healthy, ...
  id: string;
  labels: Labels;
  time: number; // unix ms
  exitCode?: number;
}

/** A host of a multi-host runtime (a Swarm node) and the Phleet containers it runs. */
export interface HostInfo {
  id: string;
  name: string;
  address: string;
  role: "leader" | "manager" | "worker";
  state: string;
  availability: string;
  engineVersion: string;
  cpus: number;
  memoryBytes: number;
  labels: Labels;
  /** Whether the control plane has this host's engine configured (exec, files, logs and stats need it). */
  reachable: boolean;
  containers: { id: string; labels: Labels; state: string }[];
}

/**
 * Writes a new instance of a node (a task Swarm placed after a failure, a restart or a move) with everything
 * its node must hold before it starts; the runtime calls it before it lets the instance's process run.
 */
export type InstanceProvisioner = (rt: ContainerRuntime, id: string, labels: Labels) => Promise<void>;
/** Builds the image of images/<name> when needed; its local tag. */
export type ImageSource = (name: string) => Promise<string>;

export interface ContainerRuntime {
  /**
   * How nodes find each other: "ip", the fixed address each container is given (one engine); "name", the
   * node's hostname on its network, because a task that moves between hosts gets a new address.
   */
  readonly addressing: "ip" | "name";
  /**
   * Whether a node's next start may be a new instance without its files (a Swarm task placed again): the
   * provisioner then writes them. False on one engine, where a stopped container keeps everything written into it.
   */
  readonly instancesAreReplaced: boolean;
  /** Multi-host runtimes: the hook that provisions new instances of a node. */
  setProvisioner?(fn: InstanceProvisioner): void;
  /** Multi-host runtimes: how they get an image of their own built (the registry Phleet runs for its hosts). */
  setImageSource?(fn: ImageSource): void;
  listHosts?(): Promise<HostInfo[]>;
  setHostAvailability?(hostId: string, availability: "active" | "drain" | "pause"): Promise<void>;
  /** Replaces the host's labels (Swarm node labels). */
  setHostLabels?(hostId: string, labels: Labels): Promise<void>;
  /** The command that joins a new host as a worker (it holds the Swarm's join token: a secret). */
  joinCommand?(): Promise<string>;

  ping(): Promise<void>;

  ensureNetwork(spec: NetworkSpec): Promise<NetworkState>;
  removeNetwork(name: string): Promise<void>;
  listNetworks(labels?: Labels): Promise<NetworkState[]>;

  /** Creates the named volume unless it exists (idempotent). */
  ensureVolume(spec: VolumeSpec): Promise<VolumeState>;
  /** Removes the volume; a missing one is not an error. */
  removeVolume(name: string): Promise<void>;
  listVolumes(labels: Labels): Promise<VolumeState[]>;

  /** Creates the container (files written, not started). Idempotent: an existing container with the same labels is adopted. */
  createContainer(spec: ContainerSpec): Promise<ContainerState>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds?: number): Promise<void>;
  restartContainer(id: string, timeoutSeconds?: number): Promise<void>;
  killContainer(id: string, signal?: string): Promise<void>;
  /** Changes a container's resource limits in place (running or not), without a restart. */
  updateResources(id: string, limits: ResourceLimits): Promise<void>;
  removeContainer(id: string): Promise<void>;
  inspectContainer(id: string): Promise<ContainerState | null>;
  listContainers(labels: Labels): Promise<ContainerState[]>;

  exec(id: string, cmd: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Starts a process with its streams kept open (a TTY shell, a follower of a file). */
  openExec(id: string, cmd: string[], options: ExecSessionOptions): Promise<ExecSession>;
  writeFiles(id: string, files: FileSpec[]): Promise<void>;
  /** Unpacks a tar archive into the folder `dir` of the container (which must exist); works on a stopped container too. */
  putArchive(id: string, dir: string, tar: Buffer | NodeJS.ReadableStream): Promise<void>;
  /** The file's content, or null when it does not exist. */
  readFile(id: string, path: string): Promise<string | null>;

  /** Streams the container's log until it stops, the stream ends or the signal aborts. */
  followLogs(id: string, onLine: (line: LogLine) => void, options?: FollowLogsOptions): Promise<void>;
  logsTail(id: string, lines: number): Promise<string>;
  /** The container's log lines with engine timestamps, without following (works on a stopped container). */
  readLogs(id: string, options?: ReadLogsOptions): Promise<LogLine[]>;
  stats(id: string): Promise<ContainerStats | null>;
  /**
   * Streams engine events for resources with these labels until the signal aborts; only container events
   * with these actions when given (the engine filters: every health check alone is three exec events).
   */
  watchEvents(labels: Labels, onEvent: (e: EngineEvent) => void, signal: AbortSignal, containerActions?: string[]): Promise<void>;

  imageLabels(ref: string): Promise<Labels | null>;
  buildImage(
    contextTar: NodeJS.ReadableStream,
    tag: string,
    labels: Labels,
    onProgress?: ImageBuildProgress,
    options?: { noCache?: boolean },
  ): Promise<void>;
  removeImage(ref: string): Promise<void>;
}
