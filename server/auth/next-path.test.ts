import { describe, expect, test } from "vitest";
import { safeNextPath } from "./next-path";

describe("safeNextPath: where a browser may be sent after sign-in", () => {
  test.each([
    ["a dashboard page", "/environments/abc/config", "/environments/abc/config"],
    ["a page with a query", "/environments/abc/stats?window=60", "/environments/abc/stats?window=60"],
    ["the root", "/", "/"],
    ["nothing", undefined, "/"],
    ["an absolute URL", "https://evil.example/", "/"],
    ["a protocol-relative URL", "//evil.example", "/"],
    ["a tab between the slashes (browsers drop it)", "/\t/evil.example", "/"],
    ["a newline between the slashes", "/\n/evil.example", "/"],
    ["a carriage return", "/\r/evil.example", "/"],
    ["a backslash (browsers read it as a slash)", "/\\evil.example", "/"],
    ["a backslash after the slash", "/\\/evil.example", "/"],
    ["a space", "/ /evil.example", "/"],
    ["a dot-segment that climbs to //", "/a/..//evil.example", "/"],
    ["the sign-in page itself", "/sign-in?next=/x", "/"],
    ["an API path", "/api/v1/auth/session", "/"],
    ["javascript: scheme", "javascript:alert(1)", "/"],
    ["a header-breaking newline", "/x\r\nSet-Cookie: a=b", "/"],
  ])("%s", (_label, input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });
});
