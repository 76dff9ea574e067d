import { describe, expect, it } from "vitest";
import type { RevisionRow } from "../db/client";
import { BASELINE_MESSAGE, pendingChanges, SYSTEM_AUTHOR } from "./revisions";

let n = 0;
const rev = (path: string, at: string, extra: Partial<RevisionRow> = {}): RevisionRow => ({
  id: `r${++n}`,
  environmentId: "e",
  nodeId: null,
  layer: "app",
  path,
  content: `${path}@${at}`,
  author: "api",
  message: null,
  createdAt: new Date(at),
  ...extra,
});

describe("pendingChanges", () => {
  const started = new Date("2026-01-01T10:00:00Z");
  it("returns each file saved since the node started, with the revision it ran before", () => {
    const old = rev("/a", "2026-01-01T09:00:00Z");
    const newer = rev("/a", "2026-01-01T10:05:00Z");
    const newest = rev("/a", "2026-01-01T10:06:00Z");
    const other = rev("/b", "2026-01-01T09:30:00Z");
    const list = [newest, newer, other, old];
    expect(pendingChanges(list, started)).toEqual([{ path: "/a", latest: newest, target: old }]);
  });
  it("goes back to the recorded original when the first change is pending", () => {
    const latest = rev("/a", "2026-01-01T10:05:00.002Z");
    const original = rev("/a", "2026-01-01T10:05:00.001Z", { author: SYSTEM_AUTHOR, message: BASELINE_MESSAGE });
    expect(pendingChanges([latest, original], started)).toEqual([{ path: "/a", latest, target: original }]);
  });
  it("has no target when nothing older is known, and nothing pending after a clean start", () => {
    const only = rev("/a", "2026-01-01T10:05:00Z");
    expect(pendingChanges([only], started)).toEqual([{ path: "/a", latest: only, target: null }]);
    expect(pendingChanges([only], new Date("2026-01-01T11:00:00Z"))).toEqual([]);
  });
});
