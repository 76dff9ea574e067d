import http from "node:http";
import { inject } from "vitest";
import type { Environment, EnvironmentNode } from "../contracts/environment";

/** A small client of the real API for integration tests, plus a cookie-jar client of an environment's URL. */

export function api() {
  const base = inject("phleetUrl");
  const token = inject("phleetToken");
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json: json as never };
  }
  return {
    base,
    token,
    call,
    async create(body: unknown) {
      return call("POST", "/api/v1/environments", body) as Promise<{ status: number; json: Environment }>;
    },
    async get(id: string) {
      return call("GET", `/api/v1/environments/${id}`) as Promise<{ status: number; json: Environment }>;
    },
    async nodeAction(envId: string, nodeId: string, action: string) {
      return call("POST", `/api/v1/environments/${envId}/nodes/${nodeId}/${action}`) as Promise<{ status: number; json: EnvironmentNode }>;
    },
    /** Polls until the environment leaves `creating` (bounded). */
    async waitSettled(id: string, timeoutMs = 240_000): Promise<Environment> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await call("GET", `/api/v1/environments/${id}`);
        const env = r.json as Environment;
        if (r.status === 200 && env.status !== "creating") return env;
        if (Date.now() > deadline) throw new Error(`environment ${id} still ${env?.status} after ${timeoutMs} ms`);
        await new Promise((res) => setTimeout(res, 1000));
      }
    },
    async waitGone(id: string, timeoutMs = 120_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await call("GET", `/api/v1/environments/${id}`);
        if (r.status === 404) return;
        if (Date.now() > deadline) throw new Error(`environment ${id} still present after ${timeoutMs} ms`);
        await new Promise((res) => setTimeout(res, 1000));
      }
    },
  };
}

export interface CounterReply {
  node: string;
  visits: number;
  session_id: string;
  value: string | null;
}

/** One browser-like session against an environment URL: keeps the session cookie between requests. */
export class SessionClient {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {
    const host = new URL(baseUrl).hostname;
    if (host !== "127.0.0.1" && host !== "localhost") throw new Error(`test traffic goes only to loopback, not ${host}`);
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

  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }
}
