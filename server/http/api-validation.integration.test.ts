import Docker from "dockerode";
import { describe, expect, test } from "vitest";
import { api } from "../testing/api-client";
import { INTEGRATION_INSTANCE } from "../testing/instances";

const valid = { name: "ok-name", appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 1 }, loadBalancer: { type: "nginx" } };

describe("API input and authentication", () => {
  test.each([
    ["unknown app server type", { ...valid, appServer: { type: "tomcat", count: 2 } }, 422, /appServer.type/],
    ["unknown session store type", { ...valid, sessionStore: { type: "mongodb", count: 1 } }, 422, /sessionStore.type/],
    ["app server count 0", { ...valid, appServer: { type: "apache-php", count: 0 } }, 422, /at least 1/],
    ["app server count 99", { ...valid, appServer: { type: "apache-php", count: 99 } }, 422, /at most 8/],
    ["session count 4", { ...valid, sessionStore: { type: "redis", count: 4 } }, 422, /at most 3/],
    ["name with capitals and underscore", { ...valid, name: "Bad_Name" }, 422, /lowercase/],
    ["name too long", { ...valid, name: "a".repeat(41) }, 422, /at most 40/],
    ["missing name", { ...valid, name: undefined }, 422, /name/],
    ["unknown field", { ...valid, extra: true }, 422, /extra/],
    ["not JSON", "{name: shop", 400, /valid JSON/],
  ])("%s is refused and creates nothing", async (_label, body, status, message) => {
    const client = api();
    const r = await client.call("POST", "/api/v1/environments", body as never);
    expect(r.status).toBe(status);
    const err = (r.json as { error: { code: string; message: string } }).error;
    expect(err.code).toMatch(status === 400 ? "bad_request" : "validation_failed");
    expect(err.message).toMatch(message);
    // Other test files create environments at the same time, so look for this body's name only.
    const after = await client.call("GET", "/api/v1/environments");
    expect((after.json as { items: { name: string }[] }).items.filter((e) => e.name === "ok-name" || e.name === "Bad_Name")).toHaveLength(0);
    const containers = await new Docker().listContainers({ all: true, filters: { label: [`phleet.instance=${INTEGRATION_INSTANCE}`] } });
    expect(containers.filter((c) => c.Names.some((n) => n.includes("ok-name")))).toHaveLength(0);
  });

  test("no token or a wrong token gets 401 in the error format", async () => {
    const { base } = api();
    const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token-value" }, { authorization: "Basic abc" }];
    for (const headers of attempts) {
      const r = await fetch(`${base}/api/v1/environments`, { headers });
      expect(r.status).toBe(401);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unauthorized");
    }
    const post = await fetch(`${base}/api/v1/environments`, { method: "POST", body: JSON.stringify(valid), headers: { "content-type": "application/json" } });
    expect(post.status).toBe(401);
  });

  test("unknown environments, nodes and actions get 404", async () => {
    const client = api();
    expect((await client.call("GET", "/api/v1/environments/nope")).status).toBe(404);
    expect((await client.call("DELETE", "/api/v1/environments/nope")).status).toBe(404);
    expect((await client.call("POST", "/api/v1/environments/nope/nodes/x/restart")).status).toBe(404);
    expect((await client.call("POST", "/api/v1/environments/nope/nodes/x/explode")).status).toBe(404);
    expect((await client.call("GET", "/api/v1/no-such-route")).status).toBe(404);
  });

  test("the OpenAPI document describes the environment routes from the same schemas", async () => {
    const r = await api().call("GET", "/api/v1/openapi.json");
    expect(r.status).toBe(200);
    const doc = r.json as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/environments", "/api/v1/environments/{id}", "/api/v1/environments/{id}/nodes/{nodeId}/restart"]));
    expect(Object.keys(doc.components.schemas.CreateEnvironmentInput!.properties!)).toEqual(expect.arrayContaining(["name", "appServer", "sessionStore", "loadBalancer"]));
  });
});
