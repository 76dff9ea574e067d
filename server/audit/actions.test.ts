import { describe, expect, it } from "vitest";
import { actionOf, templateOf } from "./actions";

describe("audit action names", () => {
  it("turns a request path back into its route template", () => {
    expect(templateOf("/api/v1/environments/abc/nodes/n1/stop", { id: "abc", nodeId: "n1", action: "stop" })).toBe("/environments/{id}/nodes/{nodeId}/{action}");
    expect(templateOf("/api/v1/environments/abc/layers/app/files", { id: "abc", layer: "app" })).toBe("/environments/{id}/layers/{layer}/files");
    expect(templateOf("/api/v1/environments", {})).toBe("/environments");
  });

  it("names each mutating route, and keeps an unnamed one recognisable", () => {
    const p = { id: "abc", nodeId: "n1", action: "restart" };
    expect(actionOf("POST", templateOf("/api/v1/environments/abc/nodes/n1/restart", p), p)).toBe("node.restart");
    expect(actionOf("PATCH", "/environments/{id}", { id: "abc" })).toBe("environment.scale");
    expect(actionOf("PUT", "/environments/{id}/layers/{layer}/files", { id: "x", layer: "app" })).toBe("config.save");
    expect(actionOf("POST", "/something/new", {})).toBe("POST /something/new");
  });
});
