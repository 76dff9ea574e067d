/**
 * Where each node kind's logs are: ONE table (to be folded into server/node-kinds/ per kind).
 * Phleet's images send their daemons' logs to the container's stdout/stderr (docker logs keeps them
 * with engine timestamps, across restarts, readable on a stopped node), so most sources are a view
 * of that output: one stream, optionally only the lines of one producer. A `file` source is read
 * inside the container through the engine (archive and exec), never over the network.
 */

type LogSelector =
  | { kind: "container"; stream?: "stdout" | "stderr"; match?: RegExp }
  | { kind: "file"; path: string };

export interface LogSourceDef {
  id: string;
  title: string;
  description: string;
  select: LogSelector;
}

const OUTPUT: LogSourceDef = {
  id: "output",
  title: "Container output",
  description: "Everything the node writes to stdout and stderr",
  select: { kind: "container" },
};

// PHP's own messages, however the web server frames them (Apache's [php:warn], PHP-FPM's worker output).
const PHP_LINE = /\bPHP (Fatal error|Warning|Notice|Parse error|Deprecated|Recoverable fatal error|Stack trace|\s*\d+\.)|\[php:|phleet: /;

export const LOG_SOURCES: Record<string, readonly LogSourceDef[]> = {
  "apache-php": [
    OUTPUT,
    { id: "access", title: "Access log", description: "Apache's access log (combined format; the health probe is left out)", select: { kind: "container", stream: "stdout" } },
    { id: "error", title: "Error log", description: "Apache's error log, PHP's messages included", select: { kind: "container", stream: "stderr" } },
    { id: "php", title: "PHP error log", description: "PHP warnings, notices and errors", select: { kind: "container", stream: "stderr", match: PHP_LINE } },
  ],
  "nginx-php": [
    OUTPUT,
    { id: "access", title: "Access log", description: "NGINX's access log (the health probe is left out)", select: { kind: "container", stream: "stdout" } },
    { id: "error", title: "Error log", description: "NGINX's error log and PHP-FPM's log, PHP's messages included", select: { kind: "container", stream: "stderr" } },
    { id: "php", title: "PHP error log", description: "PHP warnings, notices and errors", select: { kind: "container", stream: "stderr", match: PHP_LINE } },
    // No PHP-FPM slow log yet: FPM traces a slow worker with ptrace, which needs CAP_SYS_PTRACE in the
    // container; once granted, it is one file source here: { kind: "file", path: "/var/log/php8.2-fpm.slow.log" }.
  ],
  memcached: [
    OUTPUT,
    { id: "store", title: "Memcached log", description: "memcached -v: errors and warnings", select: { kind: "container", stream: "stderr" } },
  ],
  redis: [
    OUTPUT,
    { id: "store", title: "Redis log", description: "redis-server's log", select: { kind: "container", stream: "stdout" } },
  ],
  nginx: [
    OUTPUT,
    { id: "access", title: "Access log", description: "The balancer's access log (JSON lines: upstream, status, timings)", select: { kind: "container", stream: "stdout" } },
    // Without the request counters the balancer also writes on stderr for statistics (images/nginx-lb/phleet-stats.lua).
    { id: "error", title: "Error log", description: "The balancer's error log: failed upstreams, retries", select: { kind: "container", stream: "stderr", match: /^(?!phleet-stats )/ } },
  ],
  haproxy: [
    OUTPUT,
    { id: "access", title: "Access log", description: "HAProxy's request log (server, timings, status, retries)", select: { kind: "container", stream: "stdout" } },
    // The statistics lines (images/haproxy-lb/phleet-stats.lua) are left out, as for NGINX.
    { id: "events", title: "Events", description: "HAProxy's own messages: servers going down and up, reloads", select: { kind: "container", stream: "stderr", match: /^(?!phleet-stats )/ } },
  ],
};

export function sourcesOf(nodeType: string): readonly LogSourceDef[] {
  return LOG_SOURCES[nodeType] ?? [OUTPUT];
}
