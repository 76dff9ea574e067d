import { describe, expect, it } from "vitest";
import type { EnvironmentNode } from "../contracts/environment";
import { engineStatus, forgetProbedReady, healthOf, markProbedReady, newHealthMemory, smoothStatus, UNHEALTHY_AFTER_MS } from "./node-health";

describe("smoothStatus (hysteresis of the engine's health verdict)", () => {
  it("shows one missed health check as running, a sustained failure as unhealthy", () => {
    const m = newHealthMemory();
    expect(smoothStatus(m, "a", "unhealthy", 0)).toBe("running");
    expect(smoothStatus(m, "a", "unhealthy", UNHEALTHY_AFTER_MS - 1)).toBe("running");
    expect(smoothStatus(m, "a", "unhealthy", UNHEALTHY_AFTER_MS)).toBe("unhealthy");
  });

  it("starts a new streak after a passing check", () => {
    const m = newHealthMemory();
    smoothStatus(m, "a", "unhealthy", 0);
    expect(smoothStatus(m, "a", "running", 5_000)).toBe("running");
    expect(smoothStatus(m, "a", "unhealthy", 9_000)).toBe("running");
    expect(smoothStatus(m, "a", "unhealthy", 9_000 + UNHEALTHY_AFTER_MS)).toBe("unhealthy");
  });

  it("reports a stopped, dead or missing container at once, and keeps nodes apart", () => {
    const m = newHealthMemory();
    smoothStatus(m, "a", "unhealthy", 0);
    expect(smoothStatus(m, "b", "stopped", 1)).toBe("stopped");
    expect(smoothStatus(m, "b", "dead", 2)).toBe("dead");
    expect(smoothStatus(m, "a", "unhealthy", UNHEALTHY_AFTER_MS)).toBe("unhealthy");
  });

  it("gives every reader the same answer for the same moment", () => {
    const m = newHealthMemory();
    const cards = smoothStatus(m, "a", "unhealthy", 1_000);
    const stats = smoothStatus(m, "a", "unhealthy", 1_500);
    expect([cards, stats]).toEqual(["running", "running"]);
  });
});

const node = (status: EnvironmentNode["status"], desiredState: EnvironmentNode["desiredState"] = "running") =>
  ({ status, desiredState }) as EnvironmentNode;

describe("healthOf (the environment's badge)", () => {
  it("is healthy when every node runs or is starting", () => {
    expect(healthOf([node("running"), node("starting")])).toBe("healthy");
  });
  it("is degraded when any node is down, stopped by hand or crashed", () => {
    expect(healthOf([node("running"), node("stopped", "stopped")])).toBe("degraded");
    expect(healthOf([node("running"), node("unhealthy")])).toBe("degraded");
    expect(healthOf([node("running"), node("missing")])).toBe("degraded");
  });
  it("is stopped when every node was stopped on purpose", () => {
    expect(healthOf([node("stopped", "stopped"), node("stopped", "stopped")])).toBe("stopped");
  });
});

describe("engineStatus (Phleet's own probe before the engine's first health check)", () => {
  const T1 = "2026-01-01T00:00:01Z";
  const T2 = "2026-01-01T00:00:09Z";
  it("reads starting as running once the probe passed in the same start, and only then", () => {
    expect(engineStatus({ id: "c1", status: "starting", startedAt: T1 })).toBe("starting");
    markProbedReady({ id: "c1", startedAt: T1 });
    expect(engineStatus({ id: "c1", status: "starting", startedAt: T1 })).toBe("running");
    expect(engineStatus({ id: "c1", status: "starting", startedAt: null })).toBe("running"); // a listing has no start time
    expect(engineStatus({ id: "c1", status: "starting", startedAt: T2 })).toBe("starting"); // started again since
  });
  it("never hides the engine's own verdict, and forgets the probe once the engine has one or the container died", () => {
    markProbedReady({ id: "c2", startedAt: T1 });
    expect(engineStatus({ id: "c2", status: "unhealthy", startedAt: T1 })).toBe("unhealthy");
    expect(engineStatus({ id: "c2", status: "starting", startedAt: T1 })).toBe("starting");
    markProbedReady({ id: "c3", startedAt: T1 });
    forgetProbedReady("c3");
    expect(engineStatus({ id: "c3", status: "starting", startedAt: null })).toBe("starting");
  });
});
