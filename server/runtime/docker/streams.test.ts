import { describe, expect, it } from "vitest";
import type { LogLine } from "../types";
import { FramedLogSplitter, splitFramedLog } from "./streams";

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

describe("FramedLogSplitter", () => {
  it("gives the same lines whatever the chunks, even cut inside a header or a character", () => {
    const buf = Buffer.concat([
      frame(2, "2026-11-23T10:00:01.000000000Z phleet-stats {\"gen\":\"1-2\"}\n"),
      frame(1, "2026-11-23T10:00:02.000000000Z GET /ü 200\n2026-11-23T10:00:03.000000000Z GET /b"),
      frame(2, "2026-11-23T10:00:04.000000000Z ünïcode\n"),
      frame(1, " 404\n"),
    ]);
    const expected: LogLine[] = [
      { stream: "stderr", timestamp: "2026-11-23T10:00:01.000000000Z", text: 'phleet-stats {"gen":"1-2"}' },
      { stream: "stdout", timestamp: "2026-11-23T10:00:02.000000000Z", text: "GET /ü 200" },
      { stream: "stderr", timestamp: "2026-11-23T10:00:04.000000000Z", text: "ünïcode" },
      { stream: "stdout", timestamp: "2026-11-23T10:00:03.000000000Z", text: "GET /b 404" },
    ];
    for (const size of [1, 3, 7, 8, 9, 50, buf.length]) {
      const lines: LogLine[] = [];
      const s = new FramedLogSplitter((l) => lines.push(l));
      for (let i = 0; i < buf.length; i += size) s.push(buf.subarray(i, i + size));
      expect(lines, `chunks of ${size} bytes`).toEqual(expected);
    }
  });

  it("keeps a line without its newline until it is complete (or the answer ends)", () => {
    const lines: LogLine[] = [];
    const s = new FramedLogSplitter((l) => lines.push(l));
    s.push(frame(2, "2026-11-23T10:00:01Z half"));
    expect(lines).toEqual([]);
    s.end();
    expect(lines).toEqual([{ stream: "stderr", timestamp: "2026-11-23T10:00:01Z", text: "half" }]);
  });

  it("reads a stream that is not multiplexed (a TTY) as stdout text", () => {
    const lines: LogLine[] = [];
    const s = new FramedLogSplitter((l) => lines.push(l));
    s.push(Buffer.from("2026-11-23T10:00:01Z plain line\n2026-11-23T10:00:02Z next\n"));
    expect(lines).toEqual([
      { stream: "stdout", timestamp: "2026-11-23T10:00:01Z", text: "plain line" },
      { stream: "stdout", timestamp: "2026-11-23T10:00:02Z", text: "next" },
    ]);
  });
});
