import http from "node:http";

/** Cookie-jar HTTP client of an environment URL (loopback only); free of vitest, so benches use it too. */

export interface CounterReply {
  node: string;
  visits: number;
  session_id: string;
  value: string | null;
}

/**
 * Addresses besides loopback that test traffic may go to: only the hosts of a multi-host lab, containers the
 * test itself created (swarm-lab.ts adds them when it starts them and removes them when it stops).
 */
export const labTargets = new Set<string>();

/** One browser-like session against an environment URL: keeps the session cookie between requests. */
export class SessionClient {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {
    const host = new URL(baseUrl).hostname;
    if (host !== "127.0.0.1" && host !== "localhost" && !labTargets.has(host)) throw new Error(`test traffic goes only to loopback or the lab's own hosts, not ${host}`);
  }

  /**
   * One GET on a fresh connection (no keep-alive): an idle pooled connection that the balancer closes on
   * a graceful reload would otherwise fail a request a browser retries transparently.
   */
  get(path: string, timeoutMs = 15_000): Promise<{ status: number; body: string; ms: number; headers: http.IncomingHttpHeaders }> {
    const started = performance.now();
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.baseUrl}${path}`, { method: "GET", agent: false, headers: cookie ? { cookie } : {}, timeout: timeoutMs }, (res) => {
        for (const c of res.headers["set-cookie"] ?? []) {
          const [pair] = c.split(";");
          const [k, ...v] = (pair ?? "").split("=");
          if (k) this.cookies.set(k.trim(), v.join("="));
        }
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started, headers: res.headers }));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end();
    });
  }

  async counter(): Promise<{ status: number; reply: CounterReply | null; ms: number; body: string }> {
    const r = await this.get("/counter.php");
    let reply: CounterReply | null = null;
    try {
      reply = JSON.parse(r.body) as CounterReply;
    } catch {
      reply = null;
    }
    return { status: r.status, reply, ms: r.ms, body: r.body };
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }
}
