import { describe, expect, test } from "vitest";
import { isRuntimeError } from "../errors";
import { adoptableNetwork } from "./network-ownership";

const spec = { name: "phleet-x-shop", subnet: "10.1.2.0/24", gateway: "10.1.2.1", labels: { "phleet.managed": "true", "phleet.instance": "x", "phleet.environment": "e1" } };
const net = (labels: Record<string, string>, subnets = ["10.1.2.0/24"]) => ({ id: "n", name: spec.name, labels, subnets });

describe("adoptableNetwork", () => {
  test.each([
    ["the same environment's network (an interrupted create)", net(spec.labels), true],
    ["the same labels plus more", net({ ...spec.labels, other: "1" }), true],
    ["a network without labels (made by hand)", net({}), false],
    ["another installation's network", net({ ...spec.labels, "phleet.instance": "y" }), false],
    ["another environment's network", net({ ...spec.labels, "phleet.environment": "e2" }), false],
    ["the right labels on another subnet", net(spec.labels, ["10.9.9.0/24"]), false],
  ])("%s", (_label, existing, adopted) => {
    if (adopted) expect(adoptableNetwork(existing, spec)).toBe(existing);
    else {
      let err: unknown;
      try {
        adoptableNetwork(existing, spec);
      } catch (e) {
        err = e;
      }
      expect(isRuntimeError(err) && err.kind === "conflict").toBe(true);
      expect(String((err as Error).message)).toMatch(/not this environment's/);
    }
  });
});
