import { describe, expect, test } from "vitest";
import { CreateEnvironmentInput } from "./environment";

const valid = { name: "shop-1", appServer: { type: "nginx-php", count: 2 }, sessionStore: { type: "redis", count: 1 } };

describe("CreateEnvironmentInput", () => {
  test("accepts a valid body and defaults the balancer to one nginx", () => {
    expect(CreateEnvironmentInput.parse(valid).loadBalancer).toEqual({ type: "nginx", count: 1 });
    expect(CreateEnvironmentInput.parse({ ...valid, loadBalancer: { type: "haproxy" } }).loadBalancer).toEqual({ type: "haproxy", count: 1 });
  });

  test.each([
    [{ ...valid, name: "" }, "Name is required"],
    [{ ...valid, name: "-shop" }, "start and end"],
    [{ ...valid, name: "shop_1" }, "lowercase letters, digits and hyphens"],
    [{ ...valid, appServer: { type: "nginx-php", count: 9 } }, "at most 8"],
    [{ ...valid, appServer: { type: "nginx-php", count: 1.5 } }, "whole number"],
    [{ ...valid, sessionStore: { type: "redis", count: 0 } }, "at least 1"],
    [{ ...valid, sessionStore: { type: "couchbase", count: 1 } }, "memcached, redis"],
    [{ ...valid, loadBalancer: { type: "nginx", count: 3 } }, "Balancer count must be at most 2"],
  ])("refuses %j with a message a person can act on", (body, message) => {
    const r = CreateEnvironmentInput.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join(" | ")).toContain(message);
  });
});
