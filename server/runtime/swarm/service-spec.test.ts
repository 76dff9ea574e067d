import { describe, expect, it } from "vitest";
import type { ContainerSpec } from "../types";
import { breaksSpread, placementConstraints, serviceSpec, SPREAD_LABEL } from "./service-spec";

const spec: ContainerSpec = {
  name: "phleet-x-shop-app-1",
  hostname: "shop-app-1",
  image: "phleet/apache-php:1",
  labels: { "phleet.managed": "true", "phleet.role": "app" },
  network: { name: "phleet-x-shop", ip: "10.1.1.21" },
  spreadOver: { "phleet.environment": "e1", "phleet.role": "app" },
};

describe("placement on Swarm", () => {
  it("avoids the layer's hosts while a free host is ready, and asks for nothing when none is", () => {
    expect(placementConstraints({ avoid: ["h1"], available: ["h1", "h2", "h3"] })).toEqual(["node.id!=h1"]);
    expect(placementConstraints({ avoid: ["h1", "h2"], available: ["h1", "h2"] })).toEqual([]);
    expect(placementConstraints({ avoid: ["h1"], available: ["h1", "h2"], pinTo: "h1" })).toEqual(["node.id==h1"]);
  });

  it("a task on a host its layer uses breaks the spread only when the constraints of now exclude that host", () => {
    // The first app server was created with no constraint; Swarm moved it onto the second one's host h2.
    expect(breaksSpread("h2", placementConstraints({ avoid: ["h2"], available: ["h2", "h3"] }))).toBe(true);
    // Only h2 is left: it stays there.
    expect(breaksSpread("h2", placementConstraints({ avoid: ["h2"], available: ["h2"] }))).toBe(false);
    expect(breaksSpread("h3", ["node.id!=h2"])).toBe(false);
  });

  it("keeps spreadOver on the service, where a later task of it reads it, and not on the node's container", () => {
    const s = serviceSpec(spec, { image: "reg/apache-php:1", run: { entrypoint: [], cmd: ["apache2-foreground"] }, constraints: [] });
    expect(JSON.parse(s.Labels[SPREAD_LABEL]!)).toEqual(spec.spreadOver);
    expect(s.TaskTemplate.ContainerSpec.Labels).toEqual(spec.labels);
    expect(serviceSpec({ ...spec, spreadOver: undefined }, { image: "i", run: { entrypoint: [], cmd: [] }, constraints: [] }).Labels).toEqual(spec.labels);
  });

  it("a gated task exits on TERM instead of waiting out the stop grace period, waits for the names it needs, then runs the image's command", () => {
    const cmd = serviceSpec(spec, { image: "i", run: { entrypoint: ["/entry"], cmd: ["run"] }, constraints: [] }).TaskTemplate.ContainerSpec.Command;
    expect(cmd.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(cmd[2]).toMatch(/^trap 'exit 0' TERM; while \[ ! -e \/run\/phleet-start \]/);
    // Then the names the node needs, bounded: 200 rounds of 0.1 s at most for all of them.
    expect(cmd[2]).toContain('for n in $(cat /run/phleet-resolve 2>/dev/null); do while [ $i -lt 200 ] && ! getent hosts "$n"');
    expect(cmd.slice(3)).toEqual(["phleet-gate", "/entry", "run"]);
  });
});
