import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { expect } from "vitest";
import type { Deployment, DeploymentList } from "../../contracts/deployments";
import type { Environment } from "../../contracts/environment";
import { docker, type Client } from "../../config-files/test-helpers";
import { execOn } from "../../testing/docker-exec";

/** Shared steps of the deployment integration tests (real engine, real PHP, the real API). */

export async function deployRaw(client: Client, envId: string, body: Buffer, contentType: string, query = ""): Promise<{ status: number; json: Deployment & { error?: { code: string; message: string } } }> {
  // node:http rather than fetch: an answer the server sends before it has read the whole body (a 413) is still read.
  const url = new URL(`${client.base}/api/v1/environments/${envId}/deployments${query}`);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { authorization: `Bearer ${client.token}`, "content-type": contentType, "content-length": String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
      });
    });
    req.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" || e.code === "ECONNRESET" ? undefined : reject(e)));
    req.end(body);
  });
}

export async function list(client: Client, envId: string): Promise<Deployment[]> {
  const r = await client.call("GET", `/api/v1/environments/${envId}/deployments`);
  expect(r.status).toBe(200);
  return (r.json as DeploymentList).items;
}

export async function waitDeployment(client: Client, envId: string, id: string, timeoutMs = 240_000): Promise<Deployment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = (await list(client, envId)).find((x) => x.id === id);
    if (d && d.task && (d.task.status === "succeeded" || d.task.status === "failed") && d.status !== "running" && d.status !== "pending") return d;
    if (Date.now() > deadline) throw new Error(`deployment ${id} not finished after ${timeoutMs} ms: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function currentOf(client: Client, envId: string): Promise<Deployment> {
  const items = await list(client, envId);
  const current = items.filter((d) => d.current);
  expect(current).toHaveLength(1);
  return current[0]!;
}

/** What `current` points to on each app server, read through the engine (not the API). */
export async function servedTargets(env: Environment): Promise<string[]> {
  const out: string[] = [];
  for (const n of env.nodes.filter((x) => x.role === "app")) out.push((await execOut(n.containerId!, ["readlink", "/var/www/current"])).trim());
  return out;
}

export async function releaseDirs(env: Environment): Promise<string[][]> {
  const out: string[][] = [];
  for (const n of env.nodes.filter((x) => x.role === "app")) out.push((await execOut(n.containerId!, ["ls", "/var/www/releases"])).split("\n").filter(Boolean).sort());
  return out;
}

const execOut = async (containerId: string, cmd: string[]) => (await execOn(docker, containerId, cmd)).stdout;

/** GET through the balancer (127.0.0.1), n times; returns the bodies. */
export async function getThroughBalancer(env: Environment, p: string, n = 4): Promise<{ status: number; body: string }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${env.url}${p}`, { headers: { connection: "close" } });
    out.push({ status: r.status, body: await r.text() });
  }
  return out;
}

/** A local Git repository holding `dir` under `sub/`, on branch main, with one commit. */
export function gitRepoOf(dir: string, sub: string): string {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-repo-"));
  fs.cpSync(dir, path.join(repo, sub), { recursive: true });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.invalid" } });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "adminer");
  return repo;
}
