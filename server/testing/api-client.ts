import { inject } from "vitest";
import type { Environment, EnvironmentNode } from "../contracts/environment";

/** A small client of the real API for integration tests, plus a cookie-jar client of an environment's URL. */

/** The run's control plane by default; another one (the multi-host suite's) when given. */
export function api(base: string = inject("phleetUrl"), token: string = inject("phleetToken")) {
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

export { SessionClient,  } from "./session-client";
