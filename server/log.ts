import pino from "pino";

export const log = pino({
  name: "phleet",
  level: process.env.PHLEET_LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
});
