import { describe, expect, it } from "vitest";
import { compareLogTimestamps } from "./log-timestamps";

describe("compareLogTimestamps", () => {
  it("compares instants, not strings", () => {
    expect(compareLogTimestamps("2024-01-01T00:00:00.1234Z", "2024-01-01T00:00:00.12341Z")).toBe(-1);
    expect(compareLogTimestamps("2024-01-01T00:00:01.000000000Z", "2024-01-01T00:00:00.999999999Z")).toBe(1);
    expect(compareLogTimestamps("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.500000000Z")).toBe(0);
  });
});
