import type { LogLine } from "../types";

type Stream = LogLine["stream"];
const EMPTY = Buffer.alloc(0);

/**
 * The engine's multiplexed log stream of a container without a TTY (8-byte frame headers: stream, size) split into
 * timestamped lines, fed chunk by chunk. Lines are cut on bytes, so a character split across chunks or frames stays
 * whole. A header with an unknown stream type means the stream is not multiplexed (a TTY): the rest is stdout text.
 */
export class FramedLogSplitter {
  private pending: Buffer = EMPTY;
  private raw = false;
  private readonly rest: Record<Stream, Buffer[]> = { stdout: [], stderr: [] };

  constructor(private readonly onLine: (line: LogLine) => void) {}

  push(chunk: Buffer): void {
    if (this.raw) return this.text("stdout", chunk);
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let i = 0;
    while (i + 8 <= data.length) {
      const type = data[i];
      if (type !== 0 && type !== 1 && type !== 2) {
        this.raw = true;
        this.pending = EMPTY;
        return this.text("stdout", data.subarray(i));
      }
      const size = data.readUInt32BE(i + 4);
      if (i + 8 + size > data.length) break;
      this.text(type === 2 ? "stderr" : "stdout", data.subarray(i + 8, i + 8 + size));
      i += 8 + size;
    }
    this.pending = i < data.length ? Buffer.from(data.subarray(i)) : EMPTY;
  }

  /** What is left without a final newline, as one line per stream (for a complete answer, not a followed stream). */
  end(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      const parts = this.rest[stream];
      if (parts.length) this.emit(stream, Buffer.concat(parts).toString("utf8"));
      parts.length = 0;
    }
  }

  private text(stream: Stream, bytes: Buffer): void {
    const parts = this.rest[stream];
    let start = 0;
    let nl: number;
    while ((nl = bytes.indexOf(10, start)) >= 0) {
      const piece = bytes.subarray(start, nl);
      this.emit(stream, (parts.length ? Buffer.concat([...parts, piece]) : piece).toString("utf8"));
      parts.length = 0;
      start = nl + 1;
    }
    if (start < bytes.length) parts.push(Buffer.from(bytes.subarray(start)));
  }

  private emit(stream: Stream, line: string): void {
    const space = line.indexOf(" ");
    if (space > 0) this.onLine({ stream, timestamp: line.slice(0, space), text: line.slice(space + 1) });
  }
}

/**
 * Splits a followed log stream into timestamped lines, straight from the engine's frames: no demultiplexing into
 * two more streams first (with dockerode's demuxStream and two PassThroughs, the stream machinery cost about as much
 * per line as the statistics collector's own work). A line without its newline when the stream ends is dropped.
 */
export function pipeLogLines(raw: NodeJS.ReadableStream, onLine: (line: LogLine) => void): Promise<void> {
  const splitter = new FramedLogSplitter(onLine);
  raw.on("data", (chunk: Buffer) => splitter.push(chunk));
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
  const splitter = new FramedLogSplitter(onLine);
  splitter.push(buf);
  splitter.end();
}
