import type Docker from "dockerode";
import { PassThrough } from "node:stream";
import type { LogLine } from "../types";

/** Splits a demultiplexed (or raw, for TTY-less text) log stream into timestamped lines. */
export function pipeLogLines(docker: Docker, raw: NodeJS.ReadableStream, onLine: (line: LogLine) => void): Promise<void> {
  const out = new PassThrough();
  const err = new PassThrough();
  docker.modem.demuxStream(raw, out, err);
  const split = (stream: "stdout" | "stderr", source: PassThrough) => {
    let buf = "";
    source.on("data", (chunk: Buffer) => {
      buf += chunk.toString("utf8");
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const space = line.indexOf(" ");
        if (space > 0) onLine({ stream, timestamp: line.slice(0, space), text: line.slice(space + 1) });
      }
    });
  };
  split("stdout", out);
  split("stderr", err);
  return new Promise((resolve) => {
    raw.on("end", () => resolve());
    raw.on("close", () => resolve());
    raw.on("error", () => resolve());
  });
}

/** RFC 3339 with nanoseconds -> "seconds.nanoseconds", the form the engine's `since` accepts. */
export function toEngineSince(ts: string): string {
  const m = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return String(Math.floor(Date.parse(ts) / 1000));
  const secs = Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000);
  return `${secs}.${(m[2] ?? "0").padEnd(9, "0").slice(0, 9)}`;
}

/** A non-following, non-TTY log answer (8-byte frame headers: stream, size) split into timestamped lines. */
export function splitFramedLog(buf: Buffer, onLine: (line: LogLine) => void): void {
  const rest: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
  const flush = (stream: "stdout" | "stderr", text: string) => {
    const space = text.indexOf(" ");
    if (space > 0) onLine({ stream, timestamp: text.slice(0, space), text: text.slice(space + 1) });
  };
  for (let i = 0; i + 8 <= buf.length; ) {
    const stream = buf[i] === 2 ? "stderr" : "stdout";
    const size = buf.readUInt32BE(i + 4);
    rest[stream] += buf.subarray(i + 8, i + 8 + size).toString("utf8");
    i += 8 + size;
    let nl: number;
    while ((nl = rest[stream].indexOf("\n")) >= 0) {
      flush(stream, rest[stream].slice(0, nl));
      rest[stream] = rest[stream].slice(nl + 1);
    }
  }
  for (const s of ["stdout", "stderr"] as const) if (rest[s]) flush(s, rest[s]);
}
