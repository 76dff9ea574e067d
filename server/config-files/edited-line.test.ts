import { describe, expect, it } from "vitest";
import { editedLines, lineOfEdit } from "./edited-line";

const file = (n: number) => Array.from({ length: n }, (_, i) => `key${i + 1} = ${i + 1}`).join("\n") + "\n";
const edit = (text: string, line: number, to: string) => text.split("\n").map((l, i) => (i === line - 1 ? to : l)).join("\n");

describe("editedLines", () => {
  it("finds one changed line, several far apart, an insertion and a deletion", () => {
    const base = file(2000);
    expect(editedLines(base, base)).toEqual([]);
    expect(editedLines(base, edit(base, 812, "session.name = (X"))).toEqual([812]);
    expect(editedLines(base, edit(edit(base, 10, "a"), 1500, "b"))).toEqual([10, 1500]);
    const lines = base.split("\n");
    expect(editedLines(base, [...lines.slice(0, 5), "new = 1", ...lines.slice(5)].join("\n"))).toEqual([6]);
    // key6 deleted: the line that now follows the gap is marked.
    expect(editedLines(base, [...lines.slice(0, 5), ...lines.slice(6)].join("\n"))).toEqual([6]);
  });
});

describe("lineOfEdit", () => {
  const base = file(30);
  it("keeps the tool's line when that line was edited", () => {
    expect(lineOfEdit(base, edit(base, 12, "x = ("), 12)).toBe(12);
  });
  it("goes back from where php stopped (the next line, or the end of the file) to the edited line", () => {
    const broken = edit(base, 12, 'x = "open');
    expect(lineOfEdit(base, broken, 13)).toBe(12);
    expect(lineOfEdit(base, broken, 31)).toBe(12);
    // Two edits: the one above the complaint, not the first of the file.
    expect(lineOfEdit(base, edit(broken, 3, "y = 1"), 31)).toBe(12);
  });
  it("keeps the tool's line when no edit comes before it, and says nothing when the tool names no line", () => {
    expect(lineOfEdit(base, edit(base, 20, "z = 1"), 7)).toBe(7);
    expect(lineOfEdit(base, edit(base, 20, "z = ("), null)).toBeNull();
  });
});
