import { describe, expect, test } from "vitest";
import { containerName, networkName } from "../nodes/names";
import { freeBlock, parseSubnet, planNodes, subnetOf } from "./topology";

describe("topology", () => {
  const input = { name: "shop", appServer: { type: "apache-php" as const, count: 3 }, sessionStore: { type: "memcached" as const, count: 2 } };

  test("plans session nodes, app servers and one balancer with fixed addresses in the environment's /24", () => {
    const nodes = planNodes(input, "10.213.7");
    expect(nodes.map((n) => [n.role, n.hostname, n.ip])).toEqual([
      ["session", "shop-memcached-1", "10.213.7.11"],
      ["session", "shop-memcached-2", "10.213.7.12"],
      ["app", "shop-app-1", "10.213.7.21"],
      ["app", "shop-app-2", "10.213.7.22"],
      ["app", "shop-app-3", "10.213.7.23"],
      ["balancer", "shop-lb", "10.213.7.2"],
    ]);
    expect(new Set(nodes.map((n) => n.ip)).size).toBe(nodes.length);
  });

  test("names carry the instance unless it is the default one", () => {
    expect(networkName("default", "shop")).toBe("phleet-shop");
    expect(containerName("it", "shop-app-1")).toBe("phleet-it-shop-app-1");
  });

  test("subnet blocks skip every network already in the pool and refuse a pool that is covered", () => {
    expect(subnetOf("10.213.0.0/16", 5)).toEqual({ cidr: "10.213.5.0/24", prefix: "10.213.5", gateway: "10.213.5.1", block: 5 });
    expect(parseSubnet("10.213.5.0/24")).toEqual(subnetOf("10.213.0.0/16", 5));
    expect(() => parseSubnet("10.213.5.0/16")).toThrow(/not an environment/);
    expect(freeBlock("10.213.0.0/16", ["172.17.0.0/16", "10.213.1.0/24", "10.213.2.0/24"])).toBe(3);
    expect(freeBlock("10.213.0.0/16", ["10.0.0.0/8"])).toBe(1);
    expect(freeBlock("10.213.0.0/16", ["10.213.0.0/16"])).toBeNull();
    const all = Array.from({ length: 254 }, (_, i) => `10.213.${i + 1}.0/24`);
    expect(freeBlock("10.213.0.0/16", all)).toBeNull();
  });
});
