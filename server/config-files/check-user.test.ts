import { describe, expect, test } from "vitest";
import { withCheckPid, withoutManagedTls } from "./check-user";

describe("withCheckPid", () => {
  test.each([
    ["replaces the pid line in place", "user x;\npid /run/nginx.pid;\nevents {}\n", "user x;\npid /tmp/c.pid;\nevents {}\n"],
    ["keeps an indented pid line's indent", "  pid /run/nginx.pid;\n", "  pid /tmp/c.pid;\n"],
    ["leaves a commented pid alone and appends one", "# pid /run/x.pid;\nevents {}", "# pid /run/x.pid;\nevents {}\npid /tmp/c.pid;\n"],
    ["appends when there is none", "events {}\n", "events {}\npid /tmp/c.pid;\n"],
  ])("%s", (_label, input, expected) => {
    expect(withCheckPid(input, "/tmp/c.pid")).toBe(expected);
  });
});

describe("withoutManagedTls", () => {
  test("comments out Phleet's HTTPS includes in place and keeps every other line", () => {
    const conf = "http {\n    include /etc/nginx/phleet-tls/server*.conf;\n    include /etc/nginx/phleet-upstream.conf;\n}\n";
    const out = withoutManagedTls(conf);
    expect(out).toBe("http {\n    # checked apart: include /etc/nginx/phleet-tls/server*.conf;\n    include /etc/nginx/phleet-upstream.conf;\n}\n");
    expect(out.split("\n")).toHaveLength(conf.split("\n").length);
  });
});
