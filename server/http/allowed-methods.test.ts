import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { allowedMethods, methodNotAllowed } from "./allowed-methods";

const root = path.resolve(__dirname, "..", "..");

/** app/api/** route files and the methods they export, with their path in OpenAPI form. */
function routeFiles(): { apiPath: string; methods: string[] }[] {
  const out: { apiPath: string; methods: string[] }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "route.ts") {
        const rel = path.relative(path.join(root, "app"), dir).split(path.sep);
        if (rel.some((s) => s.startsWith("[..."))) continue; // the catch-all for unknown paths
        const src = fs.readFileSync(p, "utf8");
        const methods = new Set<string>();
        for (const m of src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]!);
        for (const m of src.matchAll(/export \{([^}]*)\}/g)) for (const a of m[1]!.matchAll(/as (GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(a[1]!);
        out.push({ apiPath: "/" + rel.map((s) => s.replace(/^\[(.+)\]$/, "{$1}")).join("/"), methods: [...methods].sort() });
      }
    }
  };
  walk(path.join(root, "app", "api"));
  return out;
}

describe("allowed methods come from the OpenAPI document", () => {
  test("every route file's methods are the ones documented for its path (else a real route would answer 405)", () => {
    for (const r of routeFiles()) {
      // {action}: one the path documents (node and layer actions have restart, host actions drain).
      const action = r.apiPath.startsWith("/api/v1/hosts/") ? "drain" : "restart";
      const concrete = r.apiPath.replace(/\{action\}/, action).replace(/\{[^}]+\}/g, "x");
      const allowed = (allowedMethods(concrete) ?? []).filter((m) => m !== "HEAD" && m !== "OPTIONS").sort();
      expect({ path: r.apiPath, methods: allowed }).toEqual({ path: r.apiPath, methods: r.methods });
    }
  });

  test.each([
    ["PUT on the environment list", "PUT", "/api/v1/environments", 405],
    ["DELETE on the OpenAPI document", "DELETE", "/api/v1/openapi.json", 405],
    ["GET on sign-in", "GET", "/api/v1/auth/session", 405],
    ["GET on the environment list", "GET", "/api/v1/environments", null],
    ["HEAD where GET is allowed", "HEAD", "/api/v1/environments/abc", null],
    ["an unknown path goes on to the 404 route", "PUT", "/api/v1/nothing-here", null],
  ])("%s", (_label, method, pathname, status) => {
    expect(methodNotAllowed(method, pathname)?.status ?? null).toBe(status);
  });
});
