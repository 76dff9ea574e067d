import { describe, expect, it } from "vitest";
import { checkLinkTarget, safeEntryPath } from "./archive";
import { renderAppEnv } from "./layout";
import { redactUrl } from "./git";

describe("release archive checks", () => {
  it("normalizes safe entry names", () => {
    expect(safeEntryPath("./public/index.php")).toBe("public/index.php");
    expect(safeEntryPath("a//b/./c")).toBe("a/b/c");
    expect(safeEntryPath("./")).toBe("");
  });
  it("refuses names that leave the release", () => {
    for (const bad of ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\\..\\..\\x", "a\0b"]) expect(() => safeEntryPath(bad), bad).toThrow();
  });
  it("resolves link targets from the link's folder and refuses escapes", () => {
    expect(checkLinkTarget("a/b/link", "../c", "symlink")).toBe("a/c");
    expect(() => checkLinkTarget("a/link", "../../x", "symlink")).toThrow(/outside the release/);
    expect(() => checkLinkTarget("link", "/etc/passwd", "symlink")).toThrow(/absolute/);
  });
});

describe("variables file", () => {
  it("escapes quotes and backslashes for PHP single-quoted strings", () => {
    const php = renderAppEnv([{ name: "A", value: "it's \\ fine" }]);
    expect(php).toContain(`'A' => 'it\\'s \\\\ fine',`);
    expect(renderAppEnv([])).toMatch(/return \[\n\];/);
  });
});

describe("git source", () => {
  it("never keeps credentials of a URL", () => {
    expect(redactUrl("https://user:token@example.com/repo.git")).toBe("https://example.com/repo.git");
    expect(redactUrl("/srv/repo")).toBe("/srv/repo");
  });
});
