import Docker from "dockerode";
import { expect } from "vitest";
import type { Environment } from "../contracts/environment";
import { api } from "./api-client";
import { sleep, startLoad, until } from "./load";

/** Fault-suite building blocks shared by the HA tests of each stack. */

const docker = new Docker();

/** Runs a command in a container the test created and returns its output (stdout and stderr, demultiplexed). */
export async function execIn(containerId: string, cmd: string[]): Promise<string> {
  const e = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await e.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const sink = { write: (c: Buffer) => out.push(c) } as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise((r) => stream.on("end", r));
  return Buffer.concat(out).toString("utf8");
}

const healthOf = async (containerId: string) => (await docker.getContainer(containerId).inspect()).State.Health?.Status;

/** Creates an environment through the API and waits until it runs. */
export async function createRunning(body: unknown): Promise<Environment> {
  const client = api();
  const r = await client.create(body);
  expect(r.status).toBe(202);
  const env = await client.waitSettled(r.json.id);
  expect(env.status, env.error ?? "").toBe("running");
  return env;
}

export async function deleteAndWait(env: Environment | undefined): Promise<void> {
  if (!env) return;
  const client = api();
  const del = await client.call("DELETE", `/api/v1/environments/${env.id}`);
  if (del.status !== 202) throw new Error(`DELETE answered ${del.status}: ${JSON.stringify(del.json)}`);
  await client.waitGone(env.id);
}

/** Engine kill -9 of one app server under a session load: no failed GET, no reset, and Phleet brings it back. */
export async function appServerKillUnderLoad(env: Environment): Promise<void> {
  const load = startLoad(env.url!, { sessions: 6, maxMs: 60_000 });
  await sleep(2000);
  const victim = env.nodes.find((n) => n.role === "app")!;
  await docker.getContainer(victim.containerId!).kill({ signal: "SIGKILL" });
  await sleep(4000);
  const report = await load.stop();
  expect(report.failures).toEqual([]);
  expect(report.failed).toBe(0);
  expect(report.resets).toBe(0);
  expect(report.ok).toBeGreaterThan(50);
  await until("the killed app server runs and is healthy again", async () => (await healthOf(victim.containerId!)) === "healthy", 60_000);
}

/** Ten requests of one session at once: the counter ends exactly ten higher (session locking). */
export async function parallelRequestsOnOneSession(env: Environment): Promise<void> {
  const load = startLoad(env.url!, { sessions: 1, maxRequests: 1 });
  await load.done();
  const session = load.sessions[0]!;
  const before = load.lastVisits[0]!;
  const replies = await Promise.all(Array.from({ length: 10 }, () => session.counter()));
  expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
  const after = await session.counter();
  expect(after.reply!.visits).toBe(before + 11);
}

/**
 * The only session node restarted through Phleet (its data is lost: one node is not highly available), under
 * load. PHP processes keep their store connections (issue 17), so a connection to the old store process must
 * be replaced, not kept failing: from 3 s after the restart answers, every request of new sessions succeeds.
 */
export async function singleStoreRestartRecovers(env: Environment): Promise<void> {
  const store = env.nodes.find((n) => n.role === "session")!;
  // Every PHP process of the app servers holds a connection to the store before it goes away.
  const warm = await startLoad(env.url!, { sessions: 12, maxRequests: 600, maxMs: 30_000 }).done();
  expect(warm.failures).toEqual([]);
  const during = startLoad(env.url!, { sessions: 6, maxMs: 60_000 });
  await sleep(1000);
  const restarted = await api().nodeAction(env.id, store.id, "restart");
  expect(restarted.status, JSON.stringify(restarted.json)).toBe(200);
  await sleep(3000);
  const duringReport = await during.stop();
  const after = await startLoad(env.url!, { sessions: 12, maxRequests: 600, maxMs: 30_000 }).done();
  console.log(
    `[ha] ${store.type} x1 restarted: ${duringReport.requests} requests around the restart (${duringReport.failed} failed), ` +
      `then, from 3 s after the restart returned: ${after.requests} requests, ${after.failed} failed`,
  );
  expect(after.failures).toEqual([]);
  expect(after.ok).toBe(600);
}
