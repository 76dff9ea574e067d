import type { Validator } from "../node-kinds";

/**
 * Config checks run as an unprivileged user inside the node, so a file cannot make the node's own tool read
 * what only root may read (an `Include /etc/shadow` would otherwise put the shadow file into the error message).
 * Each is the user the node's server drops to: the check reads what the server's workers can read, no more.
 */
export function checkUser(kind: Validator["kind"]): string {
  if (kind === "memcached") return "memcache";
  if (kind === "redis") return "redis";
  if (kind === "haproxy") return "haproxy";
  if (kind === "postgresql" || kind === "pg-hba") return "postgres";
  return "www-data";
}

const PID_LINE = /^([ \t]*)pid[ \t]+[^;\n]*;/m;

/**
 * nginx -t opens the pid file for writing even when it only tests, which an unprivileged user cannot do at
 * /run/nginx.pid: the staged copy points it at a file of the check's own (in place, so line numbers hold;
 * appended when the file has none, since nginx would then use /run/nginx.pid).
 */
export function withCheckPid(conf: string, pidPath: string): string {
  if (PID_LINE.test(conf)) return conf.replace(PID_LINE, `$1pid ${pidPath};`);
  return `${conf.replace(/\n?$/, "\n")}pid ${pidPath};\n`;
}

const MANAGED_TLS_INCLUDE = /^([ \t]*)(include[ \t]+\/etc\/nginx\/phleet-tls\/[^;\n]*;)/gm;

/**
 * The balancer's HTTPS includes load its private key, which only root may read: the unprivileged check of a
 * staged nginx.conf leaves them out (in place, so line numbers hold). Those files are Phleet's own and are
 * checked, as root, with nginx -t whenever Phleet writes them (server/https/apply.ts).
 */
export function withoutManagedTls(conf: string): string {
  return conf.replace(MANAGED_TLS_INCLUDE, "$1# checked apart: $2");
}
