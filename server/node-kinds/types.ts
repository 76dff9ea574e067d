import type { NodeRole, NodeType } from "../contracts/environment";
import type { ResourceLimits } from "../contracts/limits";

/**
 * What one kind of node is: its image, where it listens, how its health is probed, which of its files a
 * person may edit and how a change takes effect, and (for session stores) how sessions are wired and
 * counted. Each kind is one module of this folder; the rest of Phleet asks the kind (./index.ts).
 */
export interface NodeKind {
  type: NodeType;
  role: NodeRole;
  /** The image built from images/<image>. */
  image: string;
  /** The TCP port it serves on inside the environment network. */
  port: number;
  /** Whether the engine restarts it by itself; "no" when Phleet must prepare its return (heal.ts). */
  restartPolicy: "no" | "unless-stopped";
  /** The same test as the image's HEALTHCHECK, run on demand (exit code 0 means healthy). */
  healthProbe: string[];
  /** The files of the config editor (nothing outside this list can be read or written through it). */
  files: CatalogEntry[];
  /** App servers: the PHP server's graceful reload, and where the session wiring is written. */
  php?: { reload: Reload; sessionIniPath: string };
  /** Session stores. */
  sessionStore?: SessionStoreKind;
  /**
   * Resource limits of a node unless its layer has its own: enough for the kind's own settings (PHP's
   * memory_limit 128M times a few workers, redis maxmemory 128mb, memcached -m 64) with headroom, small
   * enough that one runaway script cannot take the host.
   */
  limits: ResourceLimits;
  /** Database nodes. */
  database?: DatabaseKind;
}

/**
 * A database node: where its data lives (a named volume, kept across restarts, heals and re-creation), how
 * its credentials reach it, and the commands Phleet runs in it (as root, through the local socket: the
 * generated password never appears on a command line).
 */
export interface DatabaseKind {
  /** Mount point of the data volume. */
  dataPath: string;
  /** Runs the SQL on stdin against database `name` with administrator rights. */
  sqlCommand(name: string): string[];
  /** Prints a logical dump of database `name` on stdout. */
  dumpCommand(name: string): string[];
  /** The last line a complete dump carries (a cut-off file lacks it and is refused). */
  dumpTrailer: RegExp;
  /** Replaces database `name` with the dump at `file`, all or nothing (exit code 0 only when it applied). */
  restoreCommand(name: string, file: string): string[];
  /** Prints `key value` lines: connections, queries (a counter), slow (a counter), bytes. */
  countersCommand(name: string): string[];
}

export interface DatabaseCounters {
  connections: number;
  queries: number;
  slowQueries: number;
  bytes: number;
}

export interface SessionStoreKind {
  /** True when every session is on every node, so losing one loses nothing (and a node comes back empty). */
  replicated(nodeCount: number): boolean;
  /** Run in the node: prints its counters. */
  countersCommand: string[];
  parseCounters(text: string): SessionNodeReading | null;
  /** How the session count of the layer is derived from the nodes' counts. */
  countRule: string;
}

export interface SessionNodeReading {
  up: boolean;
  items: number;
  hits: number;
  misses: number;
  evictions: number;
  connections: number;
  bytes: number;
}

type FileLanguage = "ini" | "nginx" | "apache" | "plain";

/** How a saved file takes effect: a graceful reload where the server has one, a restart otherwise. */
type ReloadKind = "graceful" | "restart";

/** A graceful reload: the command, and the server whose workers it replaces (their process name). */
export interface Reload {
  reloadCmd: string[];
  reloadProcess: string;
}

/** The node's own tool that checks a staged copy (server/config-files/validate.ts runs it). */
export type Validator =
  | { kind: "php-ini" }
  | { kind: "apache-site"; mainConf: string; includeLine: RegExp }
  | { kind: "fpm-pool"; mainConf: string; includeLine: RegExp }
  | { kind: "nginx-site"; mainConf: string; includeLine: RegExp }
  | { kind: "nginx-main" }
  /** HAProxy reads several files as one configuration: the staged one is checked together with the others. */
  | { kind: "haproxy"; otherFiles: string[] }
  | { kind: "redis" }
  | { kind: "memcached" }
  | { kind: "php-extensions" }
  | { kind: "mariadb" }
  | { kind: "postgresql" }
  | { kind: "pg-hba" };

/** One editable file of a node kind. */
export interface CatalogEntry {
  /** Stable id within a node type, for URLs and tests. */
  id: string;
  path: string;
  /** File name shown in the tree. */
  label: string;
  /** Folders above it in the tree, like Jelastic's `etc > php.ini`. */
  tree: string[];
  language: FileLanguage;
  description: string;
  /** Written by Phleet only (shown, never saved from the editor). */
  readOnly: boolean;
  reload: ReloadKind;
  /** Graceful reload command, when reload is "graceful". */
  reloadCmd?: string[];
  /** The server whose workers the reload replaces (their process name). */
  reloadProcess?: string;
  validator: Validator | null;
  /** The command line a person would run to check it, shown in the editor. */
  validatorLabel: string | null;
}
