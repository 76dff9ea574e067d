import { describe, expect, it } from "vitest";
import type { RevisionRow } from "../db/client";
import { BASELINE_MESSAGE, pendingChanges, SYSTEM_AUTHOR, unappliedCandidates } from "./revisions";

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
  applyMode: "none",
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

describe("unappliedCandidates", () => {
  const started = new Date("2026-01-01T10:00:00Z");
  const reloaded = (r: RevisionRow) => r.applyMode === "reload";
  const original = (at: string) => rev("/ini", at, { author: SYSTEM_AUTHOR, message: BASELINE_MESSAGE, applyMode: "reload" });
  const paths = (list: RevisionRow[], at = started) => unappliedCandidates(list, at, reloaded).map((c) => `${c.path}<-${c.running?.id ?? "?"}`);

  it("a graceful file saved with apply none is not running; saved with reload it is", () => {
    const base = original("2026-01-01T10:01:00.001Z");
    const saved = rev("/ini", "2026-01-01T10:01:00.002Z", { applyMode: "none" });
    expect(paths([saved, base])).toEqual([`/ini<-${base.id}`]);
    expect(paths([rev("/ini", "2026-01-01T10:02:00Z", { applyMode: "reload" }), base])).toEqual([]);
  });
  it("a save with restart is pending until the node restarts after it", () => {
    const base = original("2026-01-01T10:01:00.001Z");
    const saved = rev("/ini", "2026-01-01T10:01:00.002Z", { applyMode: "restart" });
    expect(paths([saved, base])).toEqual([`/ini<-${base.id}`]);
    expect(paths([saved, base], new Date("2026-01-01T10:03:00Z"))).toEqual([]);
  });
  it("a rollback saved without applying is compared with what runs: the last reloaded revision", () => {
    const base = original("2026-01-01T10:01:00.001Z");
    const applied = rev("/ini", "2026-01-01T10:02:00Z", { applyMode: "reload", content: "B" });
    const back = rev("/ini", "2026-01-01T10:03:00Z", { applyMode: "none", content: base.content });
    const [c] = unappliedCandidates([back, applied, base], started, reloaded);
    expect(c?.running).toBe(applied);
    expect(c?.latest).toBe(back);
  });
  it("nothing is a candidate after a clean start, and a file with no known running revision is", () => {
    const saved = rev("/ini", "2026-01-01T10:05:00Z", { applyMode: "none" });
    expect(paths([saved], new Date("2026-01-01T11:00:00Z"))).toEqual([]);
    expect(paths([saved])).toEqual(["/ini<-?"]);
  });
});
