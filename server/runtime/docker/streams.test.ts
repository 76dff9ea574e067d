import { describe, expect, it } from "vitest";
import type { LogLine } from "../types";
import { splitFramedLog } from "./streams";

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text, "utf8");
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

describe("splitFramedLog", () => {
  it("splits frames into timestamped lines per stream, also across frame boundaries", () => {
    const buf = Buffer.concat([
      frame(1, "2026-11-23T10:00:00.000000001Z GET / 200\n2026-11-23T10:00:00.5Z GET /a"),
      frame(2, "2026-11-23T10:00:01.000000000Z PHP Warning:  ünïcode\n"),
      frame(1, " 200\n"),
    ]);
    const lines: LogLine[] = [];
    splitFramedLog(buf, (l) => lines.push(l));
    expect(lines).toEqual([
      { stream: "stdout", timestamp: "2026-11-23T10:00:00.000000001Z", text: "GET / 200" },
      { stream: "stderr", timestamp: "2026-11-23T10:00:01.000000000Z", text: "PHP Warning:  ünïcode" },
      { stream: "stdout", timestamp: "2026-11-23T10:00:00.5Z", text: "GET /a 200" },
    ]);
  });
});
