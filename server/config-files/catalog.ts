import { badRequest } from "../errors";
import { BALANCER_CONF_PATH, sessionIniPath, UPSTREAM_CONF_PATH } from "../environments/render";

/**
 * Pure: the files a person may edit on each node type, where they sit in the editor's tree, how
 * they are checked before they are swapped in, and how a change takes effect. Nothing outside this
 * catalog can be read or written through the config editor.
 */

export const FILE_LANGUAGES = ["ini", "nginx", "apache", "plain"] as const;
export type FileLanguage = (typeof FILE_LANGUAGES)[number];

/** How a saved file takes effect: a graceful reload where the server has one, a restart otherwise. */
export const RELOAD_KINDS = ["graceful", "restart"] as const;
export type ReloadKind = (typeof RELOAD_KINDS)[number];

/** The node's own tool that checks a staged copy (server/config-files/validate.ts runs it). */
export type Validator =
  | { kind: "php-ini" }
  | { kind: "apache-site"; mainConf: string; includeLine: RegExp }
  | { kind: "fpm-pool"; mainConf: string; includeLine: RegExp }
  | { kind: "nginx-site"; mainConf: string; includeLine: RegExp }
  | { kind: "nginx-main" }
  | { kind: "redis" }
  | { kind: "memcached" };

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

type Reload = Required<Pick<CatalogEntry, "reloadCmd" | "reloadProcess">>;
const APACHE_GRACEFUL: Reload = { reloadCmd: ["apache2ctl", "graceful"], reloadProcess: "apache2" };
// php-fpm reloads its workers and its php.ini on SIGUSR2 to the master (pid file from php-fpm.conf).
const FPM_RELOAD: Reload = { reloadCmd: ["sh", "-c", 'kill -USR2 "$(cat /run/php/php8.2-fpm.pid)"'], reloadProcess: "php-fpm8.2" };
const NGINX_RELOAD: Reload = { reloadCmd: ["nginx", "-s", "reload"], reloadProcess: "nginx" };
const PHP_INI_LABEL = "php -n -r 'parse_ini_file(FILE)' (exit code checked)";

function phpIni(sapi: "apache2" | "fpm", reload: Reload): CatalogEntry {
  return {
    id: "php-ini",
    path: `/etc/php/8.2/${sapi}/php.ini`,
    label: "php.ini",
    tree: ["etc", "php"],
    language: "ini",
    description: `PHP settings of the ${sapi === "apache2" ? "Apache module (mod_php)" : "PHP-FPM"} SAPI`,
    readOnly: false,
    reload: "graceful",
    ...reload,
    validator: { kind: "php-ini" },
    validatorLabel: PHP_INI_LABEL,
  };
}

function sessionIni(appType: string, reload: Reload): CatalogEntry {
  return {
    id: "session-ini",
    path: sessionIniPath(appType),
    label: "90-phleet-session.ini",
    tree: ["etc", "php", "conf.d"],
    language: "ini",
    description: "Where sessions are kept (written by Phleet from the session store layer)",
    readOnly: false,
    reload: "graceful",
    ...reload,
    validator: { kind: "php-ini" },
    validatorLabel: PHP_INI_LABEL,
  };
}

const CATALOG: Record<string, CatalogEntry[]> = {
  "apache-php": [
    phpIni("apache2", APACHE_GRACEFUL),
    sessionIni("apache-php", APACHE_GRACEFUL),
    {
      id: "apache-site",
      path: "/etc/apache2/sites-available/000-default.conf",
      label: "000-default.conf",
      tree: ["etc", "apache2", "sites-available"],
      language: "apache",
      description: "The Apache virtual host serving the application",
      readOnly: false,
      reload: "graceful",
      ...APACHE_GRACEFUL,
      validator: { kind: "apache-site", mainConf: "/etc/apache2/apache2.conf", includeLine: /^[ \t]*IncludeOptional[ \t]+sites-enabled\/\*\.conf[ \t]*$/m },
      validatorLabel: "apache2ctl -t",
    },
  ],
  "nginx-php": [
    phpIni("fpm", FPM_RELOAD),
    sessionIni("nginx-php", FPM_RELOAD),
    {
      id: "fpm-pool",
      path: "/etc/php/8.2/fpm/pool.d/www.conf",
      label: "www.conf",
      tree: ["etc", "php", "pool.d"],
      language: "ini",
      description: "The PHP-FPM pool: workers, limits, socket",
      readOnly: false,
      reload: "graceful",
      ...FPM_RELOAD,
      validator: { kind: "fpm-pool", mainConf: "/etc/php/8.2/fpm/php-fpm.conf", includeLine: /^[ \t]*include[ \t]*=[ \t]*\/etc\/php\/8\.2\/fpm\/pool\.d\/\*\.conf[ \t]*$/m },
      validatorLabel: "php-fpm8.2 -t",
    },
    {
      id: "nginx-site",
      path: "/etc/nginx/sites-available/default",
      label: "default",
      tree: ["etc", "nginx", "sites-available"],
      language: "nginx",
      description: "The NGINX server block in front of PHP-FPM",
      readOnly: false,
      reload: "graceful",
      ...NGINX_RELOAD,
      validator: { kind: "nginx-site", mainConf: "/etc/nginx/nginx.conf", includeLine: /^[ \t]*include[ \t]+\/etc\/nginx\/sites-enabled\/\*;[ \t]*$/m },
      validatorLabel: "nginx -t",
    },
  ],
  memcached: [
    {
      id: "memcached-conf",
      path: "/etc/memcached.conf",
      label: "memcached.conf",
      tree: ["etc"],
      language: "plain",
      description: "memcached options, one per line (read at start)",
      readOnly: false,
      reload: "restart",
      validator: { kind: "memcached" },
      validatorLabel: "memcached <options> (test start on a private socket)",
    },
  ],
  redis: [
    {
      id: "redis-conf",
      path: "/etc/redis/redis.conf",
      label: "redis.conf",
      tree: ["etc", "redis"],
      language: "plain",
      description: "redis-server configuration (read at start)",
      readOnly: false,
      reload: "restart",
      validator: { kind: "redis" },
      validatorLabel: "redis-server FILE (test start on a private socket)",
    },
  ],
  nginx: [
    {
      id: "balancer-conf",
      path: BALANCER_CONF_PATH,
      label: "nginx.conf",
      tree: ["etc", "nginx"],
      language: "nginx",
      description: "The load balancer's NGINX configuration",
      readOnly: false,
      reload: "graceful",
      ...NGINX_RELOAD,
      validator: { kind: "nginx-main" },
      validatorLabel: "nginx -t -c FILE",
    },
    {
      id: "balancer-upstream",
      path: UPSTREAM_CONF_PATH,
      label: "phleet-upstream.conf",
      tree: ["etc", "nginx"],
      language: "nginx",
      description: "The app servers in rotation; managed by Phleet (rewritten on scaling and restarts)",
      readOnly: true,
      reload: "graceful",
      ...NGINX_RELOAD,
      validator: null,
      validatorLabel: null,
    },
  ],
};

/** The editable files of a node type (empty for an unknown type). */
export function catalogFor(nodeType: string): CatalogEntry[] {
  return CATALOG[nodeType] ?? [];
}

export function findEntry(nodeType: string, path: string): CatalogEntry | undefined {
  return catalogFor(nodeType).find((e) => e.path === path);
}

const MAX_PATH = 256;

/**
 * A requested path, checked before any lookup: absolute, already normal (no `.`/`..` segments, no
 * doubled slashes), printable. Anything else is a 400, so a traversal attempt never reaches a node.
 */
export function checkRequestedPath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length === 0) throw badRequest("Query parameter 'path' is required (an absolute path from the file catalog)");
  if (raw.length > MAX_PATH) throw badRequest(`'path' is longer than ${MAX_PATH} characters`);
  // Control characters (NUL included) and backslashes have no place in a catalog path.
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) throw badRequest("'path' contains characters that are not allowed");
  if (!raw.startsWith("/")) throw badRequest("'path' must be absolute, for example /etc/php/8.2/apache2/php.ini");
  const segments = raw.slice(1).split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    throw badRequest("'path' must be a normalized absolute path: no '.', '..' or empty segments");
  }
  return raw;
}
