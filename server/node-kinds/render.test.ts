import { describe, expect, test } from "vitest";
import { renderBalancerConf, renderSessionIni, renderUpstreamConf, sessionWiring } from "./render";
import { HAPROXY_SERVER_OPTIONS, renderHaproxyBackend, renderHaproxyConf } from "./haproxy-render";

describe("session wiring", () => {
  test("memcached: host:port list, replicas = nodes - 1", () => {
    expect(sessionWiring("memcached", ["10.0.0.11"])).toEqual({ saveHandler: "memcached", savePath: "10.0.0.11:11211" });
    const ini = renderSessionIni("memcached", ["10.0.0.11", "10.0.0.12", "10.0.0.13"]);
    expect(ini).toContain('session.save_path = "10.0.0.11:11211,10.0.0.12:11211,10.0.0.13:11211"');
    expect(ini).toContain("session.save_handler = memcached");
    expect(ini).toContain("memcached.sess_number_of_replicas = 2");
    expect(ini).toContain("memcached.sess_locking = On");
    // Strict mode's id check asks only the primary node, so with replicas it would reset the sessions of a dead node.
    expect(ini).toContain("session.use_strict_mode = 0");
    expect(renderSessionIni("memcached", ["10.0.0.11"])).toContain("session.use_strict_mode = 1");
    expect(renderSessionIni("redis", ["10.0.0.11", "10.0.0.12"])).toContain("session.use_strict_mode = 1");
    expect(ini).toContain("session.cookie_httponly = 1");
  });

  test("redis: tcp:// URL with short timeouts, locking on", () => {
    const ini = renderSessionIni("redis", ["10.0.0.11"]);
    expect(ini).toContain("session.save_handler = redis");
    expect(ini).toContain('session.save_path = "tcp://10.0.0.11:6379?timeout=1&read_timeout=2&persistent=1"');
    expect(ini).toContain("redis.session.locking_enabled = 1");
    // Sharded over several nodes, phpredis's lock is unreliable, so it is switched off.
    expect(renderSessionIni("redis", ["10.0.0.11", "10.0.0.12"])).toContain("redis.session.locking_enabled = 0");
    // Persistent connections, without the ECHO round trip per request (issue 17).
    expect(ini).toContain("redis.pconnect.echo_check_liveness = 0");
  });

  test("memcached connections: persistent over the text protocol with one node; per request and binary with replicas", () => {
    const one = renderSessionIni("memcached", ["10.0.0.11"]);
    expect(one).toContain("memcached.sess_persistent = On");
    expect(one).toContain("memcached.sess_binary_protocol = Off");
    expect(one).toContain("memcached.sess_remove_failed_servers = Off");
    expect(one).not.toContain("memcached.sess_number_of_replicas");
    expect(one).toContain("memcached.sess_locking = On");
    // libmemcached's unanswered replica writes leave stale answers on a kept connection: not with replicas.
    const pair = renderSessionIni("memcached", ["10.0.0.11", "10.0.0.12"]);
    expect(pair).toContain("memcached.sess_persistent = Off");
    expect(pair).toContain("memcached.sess_binary_protocol = On");
    expect(pair).toContain("memcached.sess_remove_failed_servers = On");
    expect(pair).toContain("memcached.sess_locking = On");
  });
});

describe("balancer nginx.conf", () => {
  test("lists every app server with a short connect timeout and retries on the next one", () => {
    const upstream = renderUpstreamConf([{ ip: "10.0.0.21", port: 80 }, { ip: "10.0.0.22", port: 80, down: true }]);
    expect(upstream).toContain("server 10.0.0.21:80 max_fails=1 fail_timeout=5s;");
    expect(upstream).toContain("server 10.0.0.22:80 max_fails=1 fail_timeout=5s down;");
    expect(upstream).toMatch(/zone phleet_app/);
    // Backups that are never marked failed, for the servers in rotation only.
    expect(upstream).toContain("server 10.0.0.21:80 backup max_fails=0;");
    expect(upstream).not.toContain("server 10.0.0.22:80 backup");
    const conf = renderBalancerConf();
    expect(conf).toContain("include /etc/nginx/phleet-upstream.conf;");
    expect(conf).toMatch(/proxy_connect_timeout 1s;/);
    expect(conf).toMatch(/proxy_next_upstream error timeout http_502 http_503 http_504;/);
    expect(conf).toMatch(/access_log \/dev\/stdout phleet;/);
  });
});

describe("memcached rejoin", () => {
  test("the joining node weighs 1 and the others 100; without a joiner the plain list is used", async () => {
    const { memcachedSavePath, withSavePath } = await import("./render");
    expect(memcachedSavePath(["10.0.0.11", "10.0.0.12"], "10.0.0.12")).toBe("10.0.0.11:11211:100,10.0.0.12:11211:1");
    expect(memcachedSavePath(["10.0.0.11", "10.0.0.12"])).toBe("10.0.0.11:11211,10.0.0.12:11211");
    const ini = renderSessionIni("memcached", ["10.0.0.11", "10.0.0.12"]).replace("session.gc_maxlifetime = 1440", "session.gc_maxlifetime = 99");
    const next = withSavePath(ini, "10.0.0.11:11211:100,10.0.0.12:11211:1");
    expect(next).toContain('session.save_path = "10.0.0.11:11211:100,10.0.0.12:11211:1"');
    expect(next).toContain("session.gc_maxlifetime = 99"); // the user's own edit stays
    expect(next.match(/session\.save_path/g)).toHaveLength(1);
    // Leaving one of two servers out: no replica may be asked of a server that is not listed.
    const alone = withSavePath(ini, "10.0.0.11:11211", 1);
    expect(alone).toContain("memcached.sess_number_of_replicas = 0");
    expect(withSavePath(alone, "10.0.0.11:11211:100,10.0.0.12:11211:1", 2)).toContain("memcached.sess_number_of_replicas = 1");
  });
});

describe("HAProxy balancer", () => {
  test("the backend names servers by address and leaves drained ones out; the config retries elsewhere and loads the statistics", () => {
    const backend = renderHaproxyBackend([{ ip: "10.0.0.21", port: 80 }, { ip: "10.0.0.22", port: 80, down: true }]);
    expect(backend).toContain("backend phleet_app");
    expect(backend).toContain(`server 10.0.0.21:80 10.0.0.21:80 ${HAPROXY_SERVER_OPTIONS}`);
    expect(backend).not.toContain("10.0.0.22");
    expect(backend).toContain("http-response set-header X-Phleet-Upstream %[srv_name]");
    const conf = renderHaproxyConf();
    expect(conf).toContain("option redispatch 1");
    expect(conf).toMatch(/retry-on conn-failure .* 503/);
    expect(conf).toContain("stats socket /run/haproxy/admin.sock mode 600 level admin");
    expect(conf).toContain("lua-load /usr/share/phleet/lua/phleet-stats.lua");
    expect(conf).toContain("default_backend phleet_app");
  });
});
