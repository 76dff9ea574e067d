import { describe, expect, it } from "vitest";
import { statusTone } from "./status-tone";

const counts = (c: { "2xx"?: number; "4xx"?: number; "5xx"?: number }) => {
  const r = { "2xx": c["2xx"] ?? 0, "3xx": 0, "4xx": c["4xx"] ?? 0, "5xx": c["5xx"] ?? 0 };
  return { ...r, total: r["2xx"] + r["4xx"] + r["5xx"] };
};

describe("statusTone", () => {
  it("leaves 1,115 2xx with one favicon 404 uncoloured", () => {
    expect(statusTone(counts({ "2xx": 1115, "4xx": 1 }))).toBeUndefined();
  });
  it("turns red when server errors are at least 1 % of the answers", () => {
    expect(statusTone(counts({ "2xx": 99, "5xx": 1 }))).toBe("danger");
    expect(statusTone(counts({ "2xx": 1000, "5xx": 1 }))).toBeUndefined();
  });
  it("turns amber when client errors are at least 5 %", () => {
    expect(statusTone(counts({ "2xx": 95, "4xx": 5 }))).toBe("warning");
  });
  it("says nothing before the first request", () => {
    expect(statusTone(counts({}))).toBeUndefined();
  });
});
