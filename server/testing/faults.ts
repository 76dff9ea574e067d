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
