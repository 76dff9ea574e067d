import type { BalancerUpstream } from "./render";

/**
 * Pure: the HAProxy balancer's two files. haproxy.cfg (global, defaults, the frontend) is the user's to edit;
 * phleet-backend.cfg (the app servers) is Phleet's: rewritten when app servers come, go or restart, so that a
 * restart or reload starts with the right servers, while the running balancer is changed through its runtime
 * API (server/nodes/balancer.ts) without a reload.
 */

export const HAPROXY_CONF_PATH = "/etc/haproxy/haproxy.cfg";
export const HAPROXY_BACKEND_PATH = "/etc/haproxy/phleet-backend.cfg";
/** The runtime API (admin level), for adding, draining and removing servers while it runs. */
export const HAPROXY_SOCKET = "/run/haproxy/admin.sock";
/** The backend of the app servers, in both files and in the statistics script. */
export const HAPROXY_BACKEND = "phleet_app";
/** images/haproxy-lb/phleet-stats.lua inside the balancer. */
const STATS_LUA_PATH = "/usr/share/phleet/lua/phleet-stats.lua";

/** A server is named by its address, so the statistics (and X-Phleet-Upstream) say "ip:port" as NGINX does. */
export const haproxyServerName = (u: Pick<BalancerUpstream, "ip" | "port">) => `${u.ip}:${u.port}`;

/**
 * The keywords of every app server, in the file and in `add server`: a connection check every second (a
 * stopped server leaves rotation after one failed check and returns after one good one); requests on their
 * way to a dead server are retried elsewhere by the defaults' retry-on and redispatch.
 */
export const HAPROXY_SERVER_OPTIONS = "check inter 1s fall 1 rise 1 observe layer4 error-limit 1 on-error mark-down";

export function renderHaproxyConf(): string {
  return `# Written by Phleet; safe to edit in the config editor. The app servers live in ${HAPROXY_BACKEND_PATH},
# managed by Phleet (backend ${HAPROXY_BACKEND}); Phleet changes them at run time through the stats socket.
global
    log stdout format raw local0
    # One thread is plenty for a balancer limited to one CPU, and keeps the statistics script lock-free.
    nbthread 1
    maxconn 4096
    stats socket ${HAPROXY_SOCKET} mode 600 level admin
    # A reload lets the old worker finish its requests, for at most this long.
    hard-stop-after 5s
    # Statistics at a constant cost: HAProxy counts answers per server; the script adds a latency histogram and
    # writes the totals to stderr a few times a second while they change. Phleet reads only those lines.
    lua-load ${STATS_LUA_PATH}

defaults
    mode http
    log global
    option httplog
    option dontlognull
    option forwardfor
    option http-keep-alive
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    timeout http-keep-alive 65s
    timeout queue 10s
    # A dead app server is skipped quickly and the request is tried on the next one.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 502 503 504

frontend http
    bind :80
    http-request return status 200 content-type text/plain string "ok" if { path /phleet-lb-health }
    http-request set-header X-Forwarded-Proto http
    default_backend ${HAPROXY_BACKEND}
`;
}

/** The app servers; drained ones are left out (the running balancer has them in maintenance instead). */
export function renderHaproxyBackend(upstreams: BalancerUpstream[]): string {
  const servers = upstreams.filter((u) => !u.down).map((u) => `    server ${haproxyServerName(u)} ${u.ip}:${u.port} ${HAPROXY_SERVER_OPTIONS}`);
  return `# Managed by Phleet: rewritten when app servers are added, removed or restarted.
backend ${HAPROXY_BACKEND}
    balance roundrobin
    http-reuse safe
    http-request lua.phleet_start
    http-response lua.phleet_count
    http-response set-header X-Phleet-Upstream %[srv_name]
${servers.join("\n")}
`;
}
