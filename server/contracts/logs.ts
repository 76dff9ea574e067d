import { z } from "zod";

/** The logs API's shapes: node and layer logs, last lines, downloads and live follow. */

const LOG_STREAMS = ["stdout", "stderr", "file"] as const;

export const LogEntry = z
  .object({
    t: z.string().describe("The engine's timestamp (RFC 3339, nanoseconds); for a file source, when Phleet read the line"),
    node: z.object({ id: z.string(), hostname: z.string() }),
    source: z.string(),
    stream: z.enum(LOG_STREAMS),
    text: z.string(),
  })
  .meta({ id: "LogEntry" });
export type LogEntry = z.infer<typeof LogEntry>;

export const LogSourceInfo = z
  .object({ id: z.string(), title: z.string(), description: z.string() })
  .meta({ id: "LogSource" });
export type LogSourceInfo = z.infer<typeof LogSourceInfo>;

export const LogPage = z
  .object({
    sources: z.array(LogSourceInfo).describe("Every source of this node or layer; `source` picks one"),
    source: z.string(),
    nodes: z.array(z.object({ id: z.string(), hostname: z.string(), status: z.string() })),
    items: z.array(LogEntry).describe("Oldest first"),
  })
  .meta({ id: "LogPage" });
export type LogPage = z.infer<typeof LogPage>;

export const LOG_LIMITS = { tail: { max: 10_000, default: 200 } } as const;

const bool = z
  .enum(["true", "false", "1", "0"], { error: "follow must be true or false" })
  .transform((v) => v === "true" || v === "1");

/** `since`: an RFC 3339 time, or a duration back from now ("90s", "15m", "2h"). */
const Since = z
  .string()
  .refine((s) => /^\d+[smhd]$/.test(s) || !Number.isNaN(Date.parse(s)), "since must be a time (RFC 3339) or a duration such as 15m")
  .transform((s) => {
    const m = /^(\d+)([smhd])$/.exec(s);
    if (!m) return new Date(Date.parse(s)).toISOString();
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "s" | "m" | "h" | "d"];
    return new Date(Date.now() - Number(m[1]) * unit * 1000).toISOString();
  });

export const LogQuery = z
  .object({
    source: z.string().min(1).max(40).default("output"),
    tail: z.coerce
      .number({ error: `tail must be a whole number from 0 to ${LOG_LIMITS.tail.max}` })
      .int(`tail must be a whole number from 0 to ${LOG_LIMITS.tail.max}`)
      .min(0, `tail must be at least 0`)
      .max(LOG_LIMITS.tail.max, `tail must be at most ${LOG_LIMITS.tail.max}`)
      .default(LOG_LIMITS.tail.default),
    since: Since.optional(),
    follow: bool.default(false),
    stream: z.enum(["stdout", "stderr"], { error: "stream must be stdout or stderr" }).optional(),
    q: z.string().max(200, "q must be at most 200 characters").optional().describe("Only lines containing this text (case-insensitive)"),
    format: z.enum(["json", "text"], { error: "format must be json or text" }).default("json"),
  })
  .strict();
export type LogQuery = z.infer<typeof LogQuery>;
