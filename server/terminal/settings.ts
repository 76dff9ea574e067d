import { z } from "zod";

/** The web terminal's limits, from the environment (read once; a bad value fails at start). */
const Env = z.object({
  PHLEET_TERMINAL_MAX: z.coerce.number().int().min(0).max(100).default(8),
  PHLEET_TERMINAL_IDLE_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
});

let cached: z.infer<typeof Env> | undefined;
export function terminalSettings() {
  if (!cached) {
    const parsed = Env.safeParse(process.env);
    if (!parsed.success) throw new Error(`Invalid terminal settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    cached = parsed.data;
  }
  return cached;
}

/** How often an open terminal checks that its session is still signed in. */
export const SESSION_CHECK_MS = 1000;

/** WebSocket close codes the browser shows a reason for (4000-4999 are the application's). */
export const CLOSE = {
  signedOut: 4401,
  idle: 4408,
  notFound: 4404,
  notRunning: 4409,
  tooMany: 4429,
  ended: 4000,
  failed: 4500,
} as const;

export const TERMINAL_PATH = /^\/api\/v1\/environments\/([^/]+)\/nodes\/([^/]+)\/terminal$/;
