import { config } from "../config";
import type { TrafficInput, TrafficRun } from "../contracts/stats";
import { db } from "../db/client";
import { conflict, notFound } from "../errors";
import { sleepOrAbort } from "../wait";
import { createTask, runTask } from "../tasks/runner";

/**
 * "Send test traffic": N GETs of /counter.php through the environment's balancer, at a chosen rate,
 * spread over a set of cookie sessions, as a recorded task. Bounded in count (5000), rate (200/s),
 * sessions (50) and time, and only ever sent to 127.0.0.1 (the balancer's published port).
 */

const TRAFFIC_PATH = "/counter.php";
const REQUEST_TIMEOUT_MS = 10_000;
/** Beyond the time the requests need at their rate, how long a run may take before it is stopped. */
const GRACE_MS = 60_000;
const LOOPBACK_PUBLISH_HOSTS = new Set(["127.0.0.1", "localhost", "0.0.0.0"]);

const g = globalThis as unknown as { __phleetTraffic?: Map<string, TrafficRun> };
const runs = (g.__phleetTraffic ??= new Map<string, TrafficRun>());

/** The environment's latest test-traffic run in this server process (null when there was none). */
export async function getTraffic(envId: string): Promise<{ run: TrafficRun | null }> {
  if (!(await db().environment.findUnique({ where: { id: envId }, select: { id: true } }))) throw notFound("Environment", envId);
  return { run: latestTraffic(envId) };
}

function latestTraffic(envId: string): TrafficRun | null {
  const r = runs.get(envId);
  return r ? { ...r, byStatus: { ...r.byStatus }, byNode: { ...r.byNode } } : null;
}

/** The environment's URL as test traffic may use it: its published port on 127.0.0.1, or a reason why not. */
function loopbackTarget(publishHost: string, port: number | null): string {
  if (!port) throw conflict("The environment has no published port yet; wait until it is running");
  if (!LOOPBACK_PUBLISH_HOSTS.has(publishHost)) {
    throw conflict(`Test traffic is only sent to 127.0.0.1, and this server publishes balancers on ${publishHost} (PHLEET_PUBLISH_HOST)`);
  }
  return `http://127.0.0.1:${port}`;
}

export async function startTraffic(envId: string, input: TrafficInput): Promise<TrafficRun> {
  const env = await db().environment.findUnique({ where: { id: envId } });
  if (!env) throw notFound("Environment", envId);
  if (env.status !== "running") throw conflict(`The environment is ${env.status}; test traffic needs it running`);
  const base = loopbackTarget(config().PHLEET_PUBLISH_HOST, env.publishedPort);
  if (runs.get(envId)?.status === "running") throw conflict("Test traffic is already running for this environment; wait for it to finish");

  const title = `Send ${input.requests} requests at ${input.ratePerSecond}/s over ${input.sessions} session${input.sessions === 1 ? "" : "s"}`;
  const task = await createTask("stats.traffic", envId, [{ key: "traffic", title }]);
  const run: TrafficRun = {
    taskId: task.id,
    environmentId: envId,
    status: "running",
    target: `${base}${TRAFFIC_PATH}`,
    requests: input.requests,
    ratePerSecond: input.ratePerSecond,
    sessions: input.sessions,
    sent: 0,
    answered: 0,
    ok: 0,
    failed: 0,
    byStatus: {},
    byNode: {},
    distinctSessions: 0,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    error: null,
  };
  runs.set(envId, run);
  const abort = new AbortController();
  void runTask(
    task.id,
    async (ctx) => {
      await ctx.step("traffic", async (progress) => {
        const watch = setInterval(() => {
          progress(summary(run));
          void db()
            .environment.findUnique({ where: { id: envId }, select: { status: true } })
            .then((e) => {
              if (!e || e.status === "deleting") abort.abort();
            })
            .catch(() => undefined);
        }, 1000);
        try {
          await sendTraffic(run.target, input, run, abort.signal);
        } finally {
          clearInterval(watch);
        }
        progress(summary(run));
        if (abort.signal.aborted) throw new Error(`stopped after ${run.sent} of ${run.requests} requests: the environment is being deleted`);
        if (run.sent < run.requests) throw new Error(`stopped at the time limit after ${run.sent} of ${run.requests} requests`);
      });
      run.status = "succeeded";
      run.finishedAt = new Date().toISOString();
    },
    async (message) => {
      run.status = "failed";
      run.error = message;
      run.finishedAt = new Date().toISOString();
    },
  );
  return latestTraffic(envId)!;
}

function summary(run: TrafficRun): string {
  const nodes = Object.entries(run.byNode)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([n, c]) => `${n} ${c}`)
    .join(", ");
  return `${run.sent}/${run.requests} sent, ${run.ok} ok, ${run.failed} failed, ${run.distinctSessions} sessions${nodes ? ` (${nodes})` : ""}`;
}

/** A cookie jar of one simulated visitor. */
class Jar {
  private readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = (pair ?? "").indexOf("=");
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
}

/**
 * Request i is due at start + i / rate; each session is one visitor sending its requests one after
 * another (so its first answer sets its cookie before its second request), sessions run side by side.
 */
async function sendTraffic(url: string, input: TrafficInput, run: TrafficRun, signal: AbortSignal): Promise<void> {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1") throw new Error(`test traffic goes only to 127.0.0.1, not ${host}`);
  const started = performance.now();
  const deadline = started + (input.requests / input.ratePerSecond) * 1000 + GRACE_MS;
  const sessionIds = new Set<string>();
  let next = 0;
  const visitor = async (jar: Jar) => {
    for (;;) {
      if (signal.aborted || performance.now() > deadline) return;
      const i = next++;
      if (i >= input.requests) return;
      const delay = started + (i * 1000) / input.ratePerSecond - performance.now();
      if (delay > 0) await sleepOrAbort(delay, signal);
      if (signal.aborted) return;
      run.sent++;
      try {
        const res = await fetch(url, {
          headers: { cookie: jar.header(), "user-agent": "phleet-test-traffic" },
          redirect: "manual",
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        jar.take(res);
        const body = await res.text();
        run.answered++;
        run.byStatus[String(res.status)] = (run.byStatus[String(res.status)] ?? 0) + 1;
        if (res.status >= 200 && res.status < 300) run.ok++;
        else run.failed++;
        try {
          const reply = JSON.parse(body) as { node?: unknown; session_id?: unknown };
          if (typeof reply.node === "string") run.byNode[reply.node] = (run.byNode[reply.node] ?? 0) + 1;
          if (typeof reply.session_id === "string" && reply.session_id) sessionIds.add(reply.session_id);
          run.distinctSessions = sessionIds.size;
        } catch {
          /* not the demo app's JSON: counted by status only */
        }
      } catch {
        run.failed++;
        run.byStatus["no answer"] = (run.byStatus["no answer"] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.sessions, input.requests) }, () => visitor(new Jar())));
}
