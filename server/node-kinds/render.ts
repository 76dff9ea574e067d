import path from "node:path";
import type { SessionStoreType } from "../contracts/environment";

/** Pure renderers of the files Phleet writes into nodes. */

export interface SessionWiring {
  saveHandler: string;
  savePath: string;
}

/** The Redis ACL user of the app servers, and how its password is shown (server/environments/session-auth.ts). */
export const REDIS_APP_USER = "phleet";
export const SECRET_MASK = "********";

/** A Redis ACL user and its password. */
export interface StoreAuth {
  user: string;
  password: string;
}

export function sessionWiring(type: SessionStoreType, storeIps: string[], auth?: StoreAuth): SessionWiring {
  if (type === "memcached") return { saveHandler: "memcached", savePath: storeIps.map((ip) => `${ip}:11211`).join(",") };
  const credentials = auth ? `auth[]=${encodeURIComponent(auth.user)}&auth[]=${encodeURIComponent(auth.password)}&` : "";
  return {
    saveHandler: "redis",
    // persistent=1: each PHP process keeps its connection to the store (issue 17: a new connection and AUTH per
    // request cost more CPU than the session's own commands). A connection to a restarted store is closed by then
    // and replaced before use (see redis.pconnect.echo_check_liveness in the session ini).
    savePath: storeIps.map((ip) => `tcp://${ip}:6379?${credentials}timeout=1&read_timeout=2&persistent=1`).join(", "),
  };
}

/**
 * memcached save_path while one node rejoins: the others weigh 100, the joiner 1, which gives it no
 * point on the ketama continuum (never a primary, so never read) while replicas are still written to it.
 */
export function memcachedSavePath(storeIps: string[], joiningIp?: string): string {
  if (!joiningIp) return sessionWiring("memcached", storeIps).savePath;
  return storeIps.map((ip) => `${ip}:11211:${ip === joiningIp ? 1 : 100}`).join(",");
}

function withSetting(ini: string, key: string, line: string): string {
  const re = new RegExp(`^\\s*${key.replace(/\./g, "\\.")}\\s*=.*$`, "m");
  return re.test(ini) ? ini.replace(re, line) : `${ini.trimEnd()}\n${line}\n`;
}

/**
 * Replaces only the session.save_path line (and, for memcached, the replica count, which must stay below the
 * number of listed servers), so other edits of the file are kept.
 */
export function withSavePath(ini: string, savePath: string, memcachedServers?: number): string {
  let out = withSetting(ini, "session.save_path", `session.save_path = "${savePath}"`);
  if (memcachedServers !== undefined) {
    out = withSetting(out, "memcached.sess_number_of_replicas", `memcached.sess_number_of_replicas = ${Math.max(0, memcachedServers - 1)}`);
  }
  return out;
}

/** conf.d/90-phleet-session.ini: the lines the classic guides have people type into php.ini by hand. */
export function renderSessionIni(type: SessionStoreType, storeIps: string[]): string {
  const w = sessionWiring(type, storeIps);
  const lines = [
    "; Written by Phleet: every app server of this environment keeps its sessions in the session store,",
    "; so any of them can serve the next request of a session.",
    `session.save_handler = ${w.saveHandler}`,
    `session.save_path = "${w.savePath}"`,
    ...(type === "redis" ? ["; The store's password is added to this path by 91-phleet-session-auth.ini (a secret, not shown here)."] : []),
    ...(type === "memcached" && storeIps.length > 1
      ? [
          "; Strict mode off: php-memcached checks a session id with memcached_exist, which asks only the id's",
          "; primary node and never its replica, so with that node down every one of its sessions would be",
          "; replaced by a new empty one. Guard against fixation in the app: session_regenerate_id() at sign-in.",
          "session.use_strict_mode = 0",
        ]
      : ["session.use_strict_mode = 1"]),
    "session.use_only_cookies = 1",
    "session.cookie_httponly = 1",
    'session.cookie_samesite = "Lax"',
    "session.gc_maxlifetime = 1440",
  ];
  if (type === "memcached") {
    const replicas = Math.max(0, storeIps.length - 1);
    lines.push(
      "",
      "; Locking: a lock left by a crashed request expires after 10 s and is waited out, not reported as an error",
      "; (a request running longer than that no longer holds its session exclusively).",
      "memcached.sess_locking = On",
      "memcached.sess_lock_expire = 10",
      "memcached.sess_lock_wait_min = 50",
      "memcached.sess_lock_wait_max = 200",
      "memcached.sess_lock_retries = 300",
      "",
    );
    if (storeIps.length === 1) {
      lines.push(
        "; One node: each PHP process keeps its connection (a new one per request cost more CPU than the session's",
        "; own commands), over the text protocol (the binary one is only needed for replication). A failed server is",
        "; not removed: there is nothing to fail over to, and a persistent connection that removed it kept failing",
        "; after the store was back (measured). libmemcached still waits about 2 s before it tries a failed server again.",
        "memcached.sess_persistent = On",
        "memcached.sess_binary_protocol = Off",
        "memcached.sess_remove_failed_servers = Off",
        "memcached.sess_server_failure_limit = 1",
        "memcached.sess_connect_timeout = 500",
      );
    } else {
      lines.push(
        "; Replication: every session is written to every session node, so one node can be lost.",
        "; No persistent connections: libmemcached sends the replica's copy of a write and of the unlock without",
        "; waiting for the answer, and the replica's 'not found' for the unlock (the lock lives on the primary only)",
        "; is then read as the answer to the next request's command on that connection (measured: most writes failed).",
        "memcached.sess_persistent = Off",
        "memcached.sess_binary_protocol = On",
        "memcached.sess_consistent_hash = On",
        "; Weighted: a node that comes back empty rejoins with weight 1 (replica writes only, no reads) until refilled.",
        "memcached.sess_consistent_hash_type = ketama_weighted",
        `memcached.sess_number_of_replicas = ${replicas}`,
        "memcached.sess_randomize_replica_read = Off",
        "memcached.sess_remove_failed_servers = On",
        "memcached.sess_server_failure_limit = 1",
        "memcached.sess_connect_timeout = 500",
      );
    }
  } else {
    // phpredis's session lock misbehaves over a sharded save_path (a session's next request waits the lock out),
    // so with several Redis nodes locking is off: concurrent requests of one session may overwrite each other.
    const locking = storeIps.length === 1 ? 1 : 0;
    lines.push(
      "",
      "; Locking and timeouts: a stuck lock expires; a dead store fails fast so the balancer retries elsewhere.",
      ...(locking ? [] : ["; Off with several Redis nodes: phpredis locks do not work over a sharded save_path."]),
      `redis.session.locking_enabled = ${locking}`,
      "redis.session.lock_expire = 10",
      "redis.session.lock_wait_time = 20000",
      "redis.session.lock_retries = 1500",
      "",
      "; Persistent connections (persistent=1 in save_path): a pooled connection is checked for a closed socket",
      "; before use and replaced if the store went away; the extra ECHO round trip per request is not needed for that.",
      "redis.pconnect.echo_check_liveness = 0",
    );
  }
  return lines.join("\n") + "\n";
}

export interface BalancerUpstream {
  ip: string;
  port: number;
  /** Taken out of rotation (drained) while the node restarts or is removed. */
  down?: boolean;
}

/** The upstream of every app server: Phleet-managed, rewritten when app servers come, go or restart. */
export function renderUpstreamConf(upstreams: BalancerUpstream[]): string {
  const servers = upstreams
    .map((u) => `    server ${u.ip}:${u.port} max_fails=1 fail_timeout=5s${u.down ? " down" : ""};`)
    .join("\n");
  const backups = upstreams
    .filter((u) => !u.down)
    .map((u) => `    server ${u.ip}:${u.port} backup max_fails=0;`)
    .join("\n");
  return `# Managed by Phleet: rewritten when app servers are added, removed or restarted.
upstream phleet_app {
    zone phleet_app 64k;
${servers}
    # The same servers again as backups that are never marked failed: when a session-store blip makes every
    # app server answer 503 at once, nginx keeps trying them instead of answering 502 for fail_timeout.
${backups}
    keepalive 32;
}
`;
}

/** The balancer's nginx.conf (the user may edit it): JSON access log, fast failover, the upstream included. */
/**
 * The balancer's `location /` body that sends a request to the app layer, for the HTTP server here and the
 * HTTPS one (server/https/render.ts): one place for the headers and the failover rules.
 */
export function proxyToAppLayer(indent: string, forwardedProto: string, extraLines: string[] = []): string {
  return [
    "proxy_pass http://phleet_app;",
    "proxy_http_version 1.1;",
    'proxy_set_header Connection "";',
    "proxy_set_header Host $host;",
    "proxy_set_header X-Real-IP $remote_addr;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    `proxy_set_header X-Forwarded-Proto ${forwardedProto};`,
    "add_header X-Phleet-Upstream $upstream_addr always;",
    ...extraLines,
    "",
    "# A dead app server is skipped quickly and the request is tried on the next one.",
    "proxy_connect_timeout 1s;",
    "proxy_send_timeout 30s;",
    "proxy_read_timeout 30s;",
    "proxy_next_upstream error timeout http_502 http_503 http_504;",
    "proxy_next_upstream_tries 3;",
    "proxy_next_upstream_timeout 10s;",
  ]
    .map((l) => (l ? indent + l : l))
    .join("\n");
}

export function renderBalancerConf(): string {
  return `# Written by Phleet; safe to edit in the config editor. The upstream lives in ${UPSTREAM_CONF_PATH}.
worker_processes auto;
pid /run/nginx.pid;
error_log /dev/stderr warn;
# Debian's dynamic modules: the Lua module counts the statistics (${STATS_LUA_PATH}).
include /etc/nginx/modules-enabled/*.conf;

events {
    worker_connections 2048;
}

http {
    sendfile on;
    server_tokens off;
    keepalive_timeout 65;

    # Statistics at a constant cost: nginx counts requests per app server in shared memory and writes the
    # totals to stderr a few times a second while they change; Phleet reads only those lines.
    lua_shared_dict phleet_stats 1m;
    lua_package_path "${path.posix.dirname(STATS_LUA_PATH)}/?.lua;;";
    init_by_lua_block { require("phleet-stats").init() }
    init_worker_by_lua_block { require("phleet-stats").init_worker() }
    log_by_lua_block { require("phleet-stats").log() }

    # One JSON line per request, for people reading the balancer's log (statistics do not parse it).
    log_format phleet escape=json '{"ts":$msec,"rid":"$request_id","method":"$request_method",'
        '"uri":"$uri","status":$status,"rt":$request_time,"ua":"$upstream_addr",'
        '"us":"$upstream_status","urt":"$upstream_response_time","bytes":$body_bytes_sent}';
    access_log /dev/stdout phleet;

    include ${UPSTREAM_CONF_PATH};
    # HTTPS (Domains & HTTPS, managed by Phleet); a pattern, so the balancer also starts without it.
    include /etc/nginx/phleet-tls/server*.conf;

    server {
        listen 80 default_server;
        include /etc/nginx/phleet-tls/http*.conf;

        location = /phleet-lb-health {
            access_log off;
            default_type text/plain;
            return 200 "ok\\n";
        }

        location / {
            include /etc/nginx/phleet-tls/redirect*.conf;
${proxyToAppLayer("            ", "$scheme")}
        }
    }
}
`;
}

export const BALANCER_CONF_PATH = "/etc/nginx/nginx.conf";
export const UPSTREAM_CONF_PATH = "/etc/nginx/phleet-upstream.conf";
/** images/nginx-lb/phleet-stats.lua inside the balancer. */
const STATS_LUA_PATH = "/usr/share/phleet/lua/phleet-stats.lua";
