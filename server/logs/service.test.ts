import { describe, expect, it } from "vitest";
import type { ContainerRuntime, LogLine } from "../runtime/types";
import { readLogs, type ResolvedLogs } from "./service";
import { sourcesOf, type LogSourceDef } from "./sources";

const line = (stream: LogLine["stream"], timestamp: string, text: string): LogLine => ({ stream, timestamp, text });

/** A runtime that only reads logs and files: enough for readLogs, which never writes. */
function fakeRuntime(logs: Record<string, LogLine[]>, files: Record<string, string> = {}): ContainerRuntime {
  return {
    readLogs: async (id: string, o: { tail?: number } = {}) => (o.tail === undefined ? logs[id]! : logs[id]!.slice(-o.tail)),
    readFile: async (id: string, path: string) => files[`${id}:${path}`] ?? null,
  } as unknown as ContainerRuntime;
}

const targets = [
  { node: { id: "n1", hostname: "shop-app-1" }, containerId: "c1", status: "running" },
  { node: { id: "n2", hostname: "shop-app-2" }, containerId: "c2", status: "stopped" },
];
const resolved = (id: string, source?: LogSourceDef): ResolvedLogs => ({ source: source ?? sourcesOf("apache-php").find((s) => s.id === id)!, sources: sourcesOf("apache-php"), targets });

describe("readLogs", () => {
  const rt = fakeRuntime({
    c1: [line("stdout", "2026-11-23T10:00:00.1Z", "GET /a 200"), line("stderr", "2026-11-23T10:00:00.3Z", "[php:warn] PHP Warning:  x"), line("stdout", "2026-11-23T10:00:00.5Z", "GET /c 200")],
    c2: [line("stdout", "2026-11-23T10:00:00.2Z", "GET /b 200"), line("stderr", "2026-11-23T10:00:00.4Z", "AH00094: Command line")],
  });

  it("merges a layer's nodes by engine time, each line tagged with its node", async () => {
    const items = await readLogs(resolved("output"), { tail: 10 }, rt);
    expect(items.map((e) => `${e.node.hostname} ${e.text}`)).toEqual([
      "shop-app-1 GET /a 200",
      "shop-app-2 GET /b 200",
      "shop-app-1 [php:warn] PHP Warning:  x",
      "shop-app-2 AH00094: Command line",
      "shop-app-1 GET /c 200",
    ]);
  });

  it("a source is its stream and producer; filters by text and stream narrow it further; tail counts matching lines", async () => {
    expect((await readLogs(resolved("access"), { tail: 10 }, rt)).map((e) => e.text)).toEqual(["GET /a 200", "GET /b 200", "GET /c 200"]);
    expect((await readLogs(resolved("php"), { tail: 10 }, rt)).map((e) => e.node.id)).toEqual(["n1"]);
    expect((await readLogs(resolved("access"), { tail: 1 }, rt)).map((e) => e.text)).toEqual(["GET /b 200", "GET /c 200"]);
    expect((await readLogs(resolved("output"), { tail: 10, q: "get /B" }, rt)).map((e) => e.text)).toEqual(["GET /b 200"]);
    expect((await readLogs(resolved("output"), { tail: 10, stream: "stderr" }, rt)).every((e) => e.stream === "stderr")).toBe(true);
  });

  it("reads a file source through the engine's archive, last lines first cut", async () => {
    const file: LogSourceDef = { id: "slow", title: "Slow", description: "", select: { kind: "file", path: "/var/log/slow.log" } };
    const rtf = fakeRuntime({ c1: [], c2: [] }, { "c1:/var/log/slow.log": "one\ntwo\nthree\n" });
    const items = await readLogs(resolved("slow", file), { tail: 2 }, rtf);
    expect(items.map((e) => [e.node.id, e.stream, e.text])).toEqual([
      ["n1", "file", "two"],
      ["n1", "file", "three"],
    ]);
  });
});
