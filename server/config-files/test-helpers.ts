import Docker from "dockerode";
import { expect } from "vitest";
import type { ConfigFile, ConfigRevisionList, SaveConfigFileResult } from "../contracts/config-files";
import type { Environment, Task } from "../contracts/environment";
import { api } from "../testing/api-client";
import { execOn } from "../testing/docker-exec";

/** Shared by the config editor's integration tests: environment lifecycle, file calls, task polling. */

export type Client = ReturnType<typeof api>;
export const docker = new Docker();

export async function createEnv(client: Client, name: string, appType: "apache-php" | "nginx-php", storeType: "memcached" | "redis"): Promise<Environment> {
  const created = await client.create({ name, appServer: { type: appType, count: 2 }, sessionStore: { type: storeType, count: 1 } });
  expect(created.status, JSON.stringify(created.json)).toBe(202);
  const env = await client.waitSettled(created.json.id);
  expect(env.status, `${env.error ?? ""} ${JSON.stringify(env.task?.steps)}`).toBe("running");
  return env;
}

export async function deleteEnv(client: Client, id: string): Promise<void> {
  const del = await client.call("DELETE", `/api/v1/environments/${id}`);
  expect(del.status).toBe(202);
  await client.waitGone(id);
}

export const q = (path: string) => `?path=${encodeURIComponent(path)}`;

export function files(client: Client, base: string) {
  return {
    list: () => client.call("GET", `${base}/files`),
    read: (path: string) => client.call("GET", `${base}/files${q(path)}`) as Promise<{ status: number; json: ConfigFile }>,
    save: (path: string, body: Record<string, unknown>) =>
      client.call("PUT", `${base}/files${q(path)}`, body) as Promise<{ status: number; json: SaveConfigFileResult & { error?: { code: string; message: string; details?: { line: number | null; output: string } } } }>,
    revisions: (path: string) => client.call("GET", `${base}/files/revisions${q(path)}`) as Promise<{ status: number; json: ConfigRevisionList }>,
    rollback: (body: Record<string, unknown>) => client.call("POST", `${base}/files/rollback`, body) as Promise<{ status: number; json: SaveConfigFileResult }>,
  };
}

/** Polls the environment until its task `taskId` has finished (bounded). */
export async function waitTask(client: Client, envId: string, taskId: string, timeoutMs = 300_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const env = (await client.get(envId)).json;
    if (env.task?.id === taskId && (env.task.status === "succeeded" || env.task.status === "failed")) return env.task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} not finished after ${timeoutMs} ms: ${JSON.stringify(env.task)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function startedAt(containerId: string): Promise<string> {
  return (await docker.getContainer(containerId).inspect()).State.StartedAt;
}

/** Runs a command in a container the test created and returns stdout (for reading files back independently of the API). */
export async function catFile(containerId: string, path: string): Promise<string> {
  return (await execOn(docker, containerId, ["cat", path])).stdout;
}
