import { describe, expect, it } from "vitest";
import { renderBalancerConf } from "../node-kinds/render";
import { DomainsInput } from "../contracts/https";
import { renderHttpExtras, renderHttpsIni, renderHttpsServer, renderRedirect } from "./render";
import { certificateView, renewalDueAt, retryDelayMs } from "./view";

const opts = { domains: ["www.example.test", "example.test"], forceHttps: true, hsts: true, httpsPort: 41443 };

describe("HTTPS rendering", () => {
  it("includes the managed HTTPS files from the balancer's nginx.conf, by pattern", () => {
    const conf = renderBalancerConf();
    expect(conf).toContain("include /etc/nginx/phleet-tls/server*.conf;");
    expect(conf).toContain("include /etc/nginx/phleet-tls/http*.conf;");
    expect(conf).toContain("include /etc/nginx/phleet-tls/redirect*.conf;");
  });

  it("renders an HTTP/2 TLS server for the domains, HSTS and https in X-Forwarded-Proto", () => {
    const s = renderHttpsServer(opts);
    expect(s).toContain("listen 443 ssl http2 default_server;");
    expect(s).toContain("server_name www.example.test example.test;");
    expect(s).toContain("proxy_set_header X-Forwarded-Proto https;");
    expect(s).toContain("Strict-Transport-Security");
    expect(renderHttpsServer({ ...opts, hsts: false })).not.toContain("Strict-Transport-Security");
  });

  it("answers ACME challenges on HTTP and redirects to the published HTTPS port only when forced", () => {
    expect(renderHttpExtras(opts)).toContain("location ^~ /.well-known/acme-challenge/");
    expect(renderRedirect(opts)).toContain("return 301 https://$host:41443$request_uri;");
    expect(renderRedirect({ ...opts, httpsPort: 443 })).toContain("return 301 https://$host$request_uri;");
    expect(renderRedirect({ ...opts, forceHttps: false })).not.toContain("return");
    expect(renderHttpsIni(true)).toContain("session.cookie_secure = 1");
    expect(renderHttpsIni(false)).toContain("session.cookie_secure = 0");
  });
});

describe("domains and certificate view", () => {
  it("normalises and validates domain names", () => {
    expect(DomainsInput.parse({ domains: ["WWW.Example.test."] }).domains).toEqual(["www.example.test"]);
    for (const bad of ["*.example.test", "127.0.0.1", "-a.example.test", "localhost", "a..b", "exa mple.test"]) {
      expect(DomainsInput.safeParse({ domains: [bad] }).success, bad).toBe(false);
    }
    expect(DomainsInput.safeParse({ domains: ["a.test", "a.test"] }).success).toBe(false);
  });

  it("says an environment without an HTTPS port must be re-created (or use NGINX), and backs off retries up to a day", () => {
    const v = certificateView(null, { httpsPort: null, balancerType: "nginx" }, [], "127.0.0.1");
    expect(v.available).toBe(false);
    expect(v.warning).toMatch(/re-create/);
    expect(certificateView(null, { httpsPort: null, balancerType: "haproxy" }, [], "127.0.0.1").warning).toMatch(/HAProxy balancer does not terminate HTTPS/);
    expect(retryDelayMs(1)).toBe(5 * 60_000);
    expect(retryDelayMs(3)).toBe(20 * 60_000);
    expect(retryDelayMs(40)).toBe(86_400_000);
    expect(renewalDueAt(new Date("2027-03-31T00:00:00Z"), 30).toISOString()).toBe("2027-03-01T00:00:00.000Z");
  });
});
