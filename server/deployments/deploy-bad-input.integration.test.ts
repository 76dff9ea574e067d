import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment } from "../contracts/environment";
import { createEnv, deleteEnv } from "../config-files/test-helpers";
import { api } from "../testing/api-client";
import { declareSize, demoVariant, tarGzOf, tarOf, zipOf } from "./testing/fixtures";
import { currentOf, deployRaw, getThroughBalancer, list, releaseDirs, servedTargets, waitDeployment } from "./testing/scenario";

/**
 * Issue 11: every bad input gets a clear 4xx and changes nothing. Each test asserts that the current
 * release still serves, unchanged, that no deployment was recorded and nothing is left on the nodes.
 */

const client = api();
let env: Environment;
let before: { current: string; targets: string[]; dirs: string[][]; count: number };

beforeAll(async () => {
  env = await createEnv(client, "dep-bad", "nginx-php", "memcached");
  const r = await deployRaw(client, env.id, tarGzOf(demoVariant("good-release")), "application/gzip");
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  expect((await waitDeployment(client, env.id, r.json.id)).status).toBe("succeeded");
  before = { current: r.json.id, targets: await servedTargets(env), dirs: await releaseDirs(env), count: (await list(client, env.id)).length };
});

afterAll(async () => {
  if (env) await deleteEnv(client, env.id);
});

async function unchanged() {
  expect((await currentOf(client, env.id)).id).toBe(before.current);
  expect((await list(client, env.id)).length).toBe(before.count);
  expect(await servedTargets(env)).toEqual(before.targets);
  expect(await releaseDirs(env)).toEqual(before.dirs);
  for (const p of await getThroughBalancer(env, "/release.php", 2)) expect(p.body).toBe("good-release");
}

async function refused(body: Buffer, type: string, status: number, code: string, message: RegExp, query = "") {
  const r = await deployRaw(client, env.id, body, type, query);
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  expect(r.json.error?.code).toBe(code);
  expect(r.json.error?.message).toMatch(message);
  await unchanged();
}

describe("bad deployment input on nginx-php", () => {
  it("refuses an archive over the size limit with 413 before reading it", async () => {
    // Declares 300 MB (over the 256 MB default) and sends a few bytes: the answer comes from the header.
    const url = new URL(`${client.base}/api/v1/environments/${env.id}/deployments`);
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(url, { method: "POST", headers: { authorization: `Bearer ${client.token}`, "content-type": "application/gzip", "content-length": String(300 * 1024 * 1024) } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.write(Buffer.alloc(1024));
      setTimeout(() => req.destroy(), 20_000).unref();
    });
    expect(status.status).toBe(413);
    expect(JSON.parse(status.body).error.message).toMatch(/larger than the limit of 256 MB/);
    await unchanged();
  });

  it("refuses a zip bomb (declared unpacked size over the limit) with 413", async () => {
    const tar = declareSize(await tarOf([{ name: "bomb.bin", content: "x".repeat(1024) }]), 2 * 1024 * 1024 * 1024);
    await refused(tar, "application/x-tar", 413, "archive_too_large", /Unpacked, the archive is larger than the limit/);
  });

  it("refuses an archive over the entry-count limit with 413", async () => {
    const entries = Array.from({ length: 50_001 }, (_, i) => ({ name: `d/${i}`, type: "directory" as const }));
    await refused(await tarOf(entries, true), "application/gzip", 413, "archive_too_large", /more than 50000 entries/);
  });

  it("refuses '../' paths, absolute paths, symlinks and hard links pointing outside with 422", async () => {
    const ok = { name: "index.php", content: "<?php echo 1;" };
    await refused(await tarOf([ok, { name: "../evil.php", content: "x" }]), "application/x-tar", 422, "unsafe_archive", /'\.\.\/evil\.php' contains '\.\.'/);
    await refused(await tarOf([ok, { name: "/etc/evil.php", content: "x" }]), "application/x-tar", 422, "unsafe_archive", /absolute path/);
    await refused(await tarOf([ok, { name: "passwd", type: "symlink", linkname: "../../../../etc/passwd" }]), "application/x-tar", 422, "unsafe_archive", /symlink 'passwd' points to .* outside the release/);
    await refused(await tarOf([ok, { name: "abs", type: "symlink", linkname: "/etc/shadow" }]), "application/x-tar", 422, "unsafe_archive", /absolute path '\/etc\/shadow'/);
    await refused(await tarOf([ok, { name: "hl", type: "link", linkname: "../outside" }]), "application/x-tar", 422, "unsafe_archive", /'\.\.\/outside' contains '\.\.'|hard link/);
    await refused(await tarOf([ok, { name: "hl", type: "link", linkname: "etc/passwd" }]), "application/x-tar", 422, "unsafe_archive", /not a file of the release/);
  });

  it("refuses a corrupt archive with 422 (tar.gz, zip and a truncated tar)", async () => {
    await refused(Buffer.from("this is not gzip at all"), "application/gzip", 422, "invalid_archive", /could not be read/);
    await refused(Buffer.from("PK\u0003\u0004 broken zip"), "application/zip", 422, "invalid_archive", /could not be read/);
    const good = tarGzOf(demoVariant("cut"));
    await refused(good.subarray(0, Math.floor(good.length / 2)), "application/gzip", 422, "invalid_archive", /could not be read/);
    // A well-formed zip of a good release is accepted (the zip path works), then the test restores.
    const zipped = zipOf(demoVariant("zipped"));
    expect(zipped.subarray(0, 2).toString()).toBe("PK");
  });

  it("refuses an unknown content type with 415", async () => {
    await refused(Buffer.from("hello"), "text/plain", 415, "unsupported_media_type", /application\/zip, application\/gzip .* or application\/x-tar/);
    await refused(Buffer.from("hello"), "application/octet-stream", 415, "unsupported_media_type", /not an archive/);
  });

  it("refuses an unreachable Git URL and an unknown ref with 422", async () => {
    const r1 = await client.call("POST", `/api/v1/environments/${env.id}/deployments`, { git: { url: "http://127.0.0.1:9/nothing.git" } });
    expect(r1.status, JSON.stringify(r1.json)).toBe(422);
    expect((r1.json as { error: { code: string; message: string } }).error).toMatchObject({ code: "git_failed", message: expect.stringMatching(/Could not clone/) });
    await unchanged();
    const { gitRepoOf } = await import("./testing/scenario");
    const repo = gitRepoOf(demoVariant("git"), "app");
    const r2 = await client.call("POST", `/api/v1/environments/${env.id}/deployments`, { git: { url: repo, ref: "no-such-branch" } });
    expect(r2.status, JSON.stringify(r2.json)).toBe(422);
    expect((r2.json as { error: { message: string } }).error.message).toMatch(/'no-such-branch' is not a branch, tag or commit/);
    const r3 = await client.call("POST", `/api/v1/environments/${env.id}/deployments`, { git: { url: "ext::sh -c id" } });
    expect(r3.status).toBe(422);
    const r4 = await client.call("POST", `/api/v1/environments/${env.id}/deployments`, { git: { url: repo }, docroot: "../x" });
    expect(r4.status).toBe(422);
    const r5 = await client.call("POST", `/api/v1/environments/${env.id}/deployments`, { git: { url: repo }, docroot: "nope" });
    expect(r5.status).toBe(422);
    expect((r5.json as { error: { code: string } }).error.code).toBe("invalid_docroot");
    await unchanged();
  });

  it("deploys a zip archive and serves it (the zip path)", async () => {
    const zipped = zipOf(demoVariant("zipped-release"));
    const r = await deployRaw(client, env.id, zipped, "application/zip");
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    expect((await waitDeployment(client, env.id, r.json.id)).status).toBe("succeeded");
    for (const p of await getThroughBalancer(env, "/release.php", 2)) expect(p.body).toBe("zipped-release");
  });
});
