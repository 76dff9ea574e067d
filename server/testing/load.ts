import { SessionClient } from "./session-client";

/**
 * Bounded session load through an environment's balancer (loopback only): each session requests
 * /counter.php in a loop and checks its counter goes up by exactly one, so a lost session (reset)
 * or a stale read is caught, not just a failed request.
 */

export interface LoadReport {
  requests: number;
  ok: number;
  failed: number;
  resets: number;
  /** The counter went backwards or did not move: a stale session was served. */
  stale: number;
  /** The counter moved by more than one: a request the balancer retried on another node ran twice. */
  retriedTwice: number;
  failures: string[];
  nodes: Record<string, number>;
  maxMs: number;
}

export interface LoadHandle {
  /** Stops the sessions after their current request. */
  stop(): Promise<LoadReport>;
  /** Waits for the load to reach its request or time bound. */
  done(): Promise<LoadReport>;
  report: LoadReport;
  sessions: SessionClient[];
  lastVisits: number[];
}

export function startLoad(url: string, opts: { sessions?: number; maxRequests?: number; maxMs?: number; pauseMs?: number } = {}): LoadHandle {
  const sessions = opts.sessions ?? 6;
  const maxRequests = opts.maxRequests ?? 5000;
  const deadline = Date.now() + (opts.maxMs ?? 120_000);
  const report: LoadReport = { requests: 0, ok: 0, failed: 0, resets: 0, stale: 0, retriedTwice: 0, failures: [], nodes: {}, maxMs: 0 };
  const clients = Array.from({ length: sessions }, () => new SessionClient(url));
  const last = clients.map(() => 0);
  let stopping = false;
  const loops = clients.map(async (client, i) => {
    while (!stopping && report.requests < maxRequests && Date.now() < deadline) {
      report.requests++;
      try {
        const r = await client.counter();
        report.maxMs = Math.max(report.maxMs, r.ms);
        if (r.status !== 200 || !r.reply) {
          report.failed++;
          report.failures.push(`${at()} ${r.status} ${r.body.slice(0, 120)}`);
        } else {
          report.ok++;
          report.nodes[r.reply.node] = (report.nodes[r.reply.node] ?? 0) + 1;
          const expected = last[i]! + 1;
          if (r.reply.visits > expected) {
            report.retriedTwice++;
          } else if (r.reply.visits !== expected) {
            if (r.reply.visits === 1 && last[i]! > 0) report.resets++;
            else report.stale++;
            report.failures.push(`${at()} session ${i}: visits ${r.reply.visits}, expected ${expected} (node ${r.reply.node})`);
          }
          last[i] = r.reply.visits;
        }
      } catch (err) {
        report.failed++;
        report.failures.push(`${at()} error ${(err as Error).message}`);
      }
      if (opts.pauseMs) await new Promise((res) => setTimeout(res, opts.pauseMs));
    }
  });
  return {
    report,
    sessions: clients,
    lastVisits: last,
    async stop() {
      stopping = true;
      await Promise.all(loops);
      return report;
    },
    async done() {
      await Promise.all(loops);
      return report;
    },
  };
}

/** The time of day (UTC, ms) a failure was seen: to line it up with the control plane's log. */
const at = () => new Date().toISOString().slice(11, 23);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until a condition holds. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}
