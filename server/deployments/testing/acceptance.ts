import fs from "node:fs";
import path from "node:path";
import { expect, inject } from "vitest";
import type { Environment } from "../../contracts/environment";
import type { Client } from "../../config-files/test-helpers";
import { createEnv, deleteEnv, waitTask } from "../../config-files/test-helpers";
import { adminerRoot, demoVariant, tarGzOf } from "./fixtures";
import { currentOf, deployRaw, getThroughBalancer, gitRepoOf, list, releaseDirs, servedTargets, waitDeployment } from "./scenario";

/**
 * Issue 11 on one stack, against the real engine and real PHP: the demo app is the first release;
 * Debian's adminer deployed from a tar.gz and served through the balancer by both app servers; a
 * release whose health request fails on the second server is rolled back on the first; hooks;
 * variables through getenv/$_ENV/$_SERVER with secrets never answered; rollback to an earlier release;
 * the same app again from a local Git repository; scale out and the new server serves the release.
 */
export async function deploymentAcceptance(client: Client, appType: "apache-php" | "nginx-php", name: string) {
  const env: Environment = await createEnv(client, name, appType, "memcached");
  const base = `/api/v1/environments/${env.id}`;
  try {
    // 1. The demo app is the first release, current.
    const first = await list(client, env.id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ status: "succeeded", current: true, source: { type: "demo" } });
    expect(await servedTargets(env)).toEqual(["/var/www/releases/demo", "/var/www/releases/demo"]);

    // 2. adminer (Debian's package) from a tar.gz, docroot adminer/.
    const adminer = tarGzOf(adminerRoot());
    const t0 = Date.now();
    const posted = await deployRaw(client, env.id, adminer, "application/gzip", "?docroot=adminer&message=adminer%204.8.1");
    expect(posted.status, JSON.stringify(posted.json)).toBe(202);
    expect(posted.json).toMatchObject({ status: expect.stringMatching(/pending|running/), docroot: "adminer", message: "adminer 4.8.1", current: false });
    expect(posted.json.taskId).toBeTruthy();
    const done = await waitDeployment(client, env.id, posted.json.id);
    console.log(`[deploy ${appType}] adminer (${adminer.length} bytes) to 2 app servers: ${Date.now() - t0} ms`);
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.current).toBe(true);
    expect(done.sizeBytes).toBe(adminer.length);
    expect(done.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(done.task?.steps.find((s) => s.key === "rollback")?.status).toBe("skipped");
    expect(await servedTargets(env)).toEqual([`/var/www/releases/${done.id}/adminer`, `/var/www/releases/${done.id}/adminer`]);
    const pages = await getThroughBalancer(env, "/", 4);
    for (const p of pages) {
      expect(p.status).toBe(200);
      expect(p.body).toContain("Adminer");
      expect(p.body).toMatch(/<title>[^<]*Adminer/);
    }
    const history = await list(client, env.id);
    expect(history.map((d) => d.id)).toEqual([done.id, first[0]!.id]);
    expect(history.filter((d) => d.current).map((d) => d.id)).toEqual([done.id]);

    // 3. A release whose health request fails on the second app server: rolled back on the first.
    const apps = env.nodes.filter((n) => n.role === "app").sort((a, b) => a.hostname.localeCompare(b.hostname));
    const settings = await client.call("PUT", `${base}/deployment-settings`, { healthPath: "/probe.php", keepReleases: 5, beforeSwitchHook: "echo before-$PHLEET_NODE; ls index.php", afterSwitchHook: "echo after-$PHLEET_NODE", hookTimeoutSeconds: 30 });
    expect(settings.status, JSON.stringify(settings.json)).toBe(200);
    const probe = `<?php if (gethostname() === ${JSON.stringify(apps[1]!.hostname)}) { http_response_code(500); echo 'probe says no on ' . gethostname(); exit; } echo 'ok';\n`;
    const badDir = demoVariant("bad-release", { "probe.php": probe });
    const before = await releaseDirs(env);
    const bad = await deployRaw(client, env.id, tarGzOf(badDir), "application/gzip");
    expect(bad.status).toBe(202);
    const failed = await waitDeployment(client, env.id, bad.json.id);
    expect(failed.status).toBe("failed");
    expect(failed.current).toBe(false);
    expect(failed.error).toContain(apps[1]!.hostname);
    expect(failed.error).toContain("HTTP 500");
    expect(failed.error).toContain("probe says no");
    expect(failed.error).toContain(`Rolled back: ${apps[1]!.hostname}, ${apps[0]!.hostname}`);
    const firstStep = failed.task!.steps.find((s) => s.key === `switch-${apps[0]!.id}`)!;
    expect(firstStep.status).toBe("succeeded");
    expect(firstStep.message).toContain(`before-${apps[0]!.hostname}`);
    expect(firstStep.message).toContain(`after-${apps[0]!.hostname}`);
    expect(await servedTargets(env)).toEqual([`/var/www/releases/${done.id}/adminer`, `/var/www/releases/${done.id}/adminer`]);
    expect(await releaseDirs(env)).toEqual(before); // nothing left behind
    expect((await currentOf(client, env.id)).id).toBe(done.id);
    for (const p of await getThroughBalancer(env, "/", 2)) expect(p.body).toContain("Adminer");

    // 4. A failing hook fails the deployment too (rolled back, nothing switched).
    await client.call("PUT", `${base}/deployment-settings`, { healthPath: "/", beforeSwitchHook: "echo hook-broke; exit 3", hookTimeoutSeconds: 30 });
    const hooked = await deployRaw(client, env.id, tarGzOf(demoVariant("hooked")), "application/gzip");
    const hookedDone = await waitDeployment(client, env.id, hooked.json.id);
    expect(hookedDone.status).toBe("failed");
    expect(hookedDone.error).toMatch(/before-switch hook failed on .* \(exit 3\): hook-broke/);
    expect(await releaseDirs(env)).toEqual(before);
    await client.call("PUT", `${base}/deployment-settings`, { healthPath: "/" });

    // 5. Variables: visible through getenv(), $_ENV and $_SERVER; a secret is never answered.
    const envPage = `<?php header('Content-Type: application/json'); echo json_encode(['getenv' => getenv('APP_MODE'), 'env' => $_ENV['APP_MODE'] ?? null, 'server' => $_SERVER['APP_MODE'] ?? null, 'secret' => getenv('APP_SECRET'), 'secret_server' => $_SERVER['APP_SECRET'] ?? null]);\n`;
    const v2 = await deployRaw(client, env.id, tarGzOf(demoVariant("v2", { "env.php": envPage })), "application/gzip", "?message=v2");
    const v2done = await waitDeployment(client, env.id, v2.json.id);
    expect(v2done.status, JSON.stringify(v2done)).toBe("succeeded");
    const SECRET = "s3cr3t-value-never-shown";
    const putVars = await client.call("PUT", `${base}/variables`, { variables: [{ name: "APP_MODE", value: "production", secret: false }, { name: "APP_SECRET", value: SECRET, secret: true }] });
    expect(putVars.status, JSON.stringify(putVars.json)).toBe(200);
    expect(JSON.stringify(putVars.json)).not.toContain(SECRET);
    const got = await client.call("GET", `${base}/variables`);
    expect(got.json).toEqual({ variables: [{ name: "APP_MODE", value: "production", secret: false }, { name: "APP_SECRET", secret: true }] });
    for (const p of await getThroughBalancer(env, "/env.php", 4)) {
      expect(JSON.parse(p.body)).toEqual({ getenv: "production", env: "production", server: "production", secret: SECRET, secret_server: SECRET });
    }
    // Keeping a secret without sending it again; changing the other.
    const kept = await client.call("PUT", `${base}/variables`, { variables: [{ name: "APP_MODE", value: "staging" }, { name: "APP_SECRET", secret: true }] });
    expect(kept.status, JSON.stringify(kept.json)).toBe(200);
    for (const p of await getThroughBalancer(env, "/env.php", 2)) expect(JSON.parse(p.body)).toMatchObject({ getenv: "staging", secret: SECRET });
    expect(JSON.stringify(await list(client, env.id))).not.toContain(SECRET);
    const badVar = await client.call("PUT", `${base}/variables`, { variables: [{ name: "1BAD", value: "x" }] });
    expect(badVar.status).toBe(422);

    // 6. Rollback: adminer again, with the same rolling rules; v2 is marked rolled_back.
    const act = await client.call("POST", `${base}/deployments/${done.id}/activate`);
    expect(act.status, JSON.stringify(act.json)).toBe(202);
    const back = await waitDeployment(client, env.id, done.id);
    expect(back.task?.status).toBe("succeeded");
    expect((await currentOf(client, env.id)).id).toBe(done.id);
    expect((await list(client, env.id)).find((d) => d.id === v2done.id)?.status).toBe("rolled_back");
    for (const p of await getThroughBalancer(env, "/", 2)) expect(p.body).toContain("Adminer");

    // 7. The same application from a local Git repository (branch main, sub-folder), keeping 2 releases.
    expect((await client.call("PUT", `${base}/deployment-settings`, { keepReleases: 2 })).status).toBe(200);
    const repo = gitRepoOf(adminerRoot(), "vendor/adminer");
    const viaGit = await client.call("POST", `${base}/deployments`, { git: { url: repo, ref: "main", path: "vendor/adminer" }, docroot: "adminer", message: "from git" });
    expect(viaGit.status, JSON.stringify(viaGit.json)).toBe(202);
    const gitDone = await waitDeployment(client, env.id, (viaGit.json as { id: string }).id);
    expect(gitDone.status, JSON.stringify(gitDone)).toBe("succeeded");
    expect(gitDone.source).toMatchObject({ type: "git", url: repo, ref: "main", path: "vendor/adminer", commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    for (const p of await getThroughBalancer(env, "/", 2)) expect(p.body).toContain("Adminer");
    fs.rmSync(repo, { recursive: true, force: true });
    // The control plane keeps the same releases as the servers, no more.
    const onServers = (await releaseDirs(env)).map((dirs) => dirs.filter((d) => d !== "demo"));
    expect(onServers[0]).toHaveLength(2);
    expect([...onServers[0]!].sort()).toEqual([gitDone.id, done.id].sort()); // the replaced release is kept, not the newer rolled-back v2
    expect(heldReleases(await list(client, env.id))).toEqual(onServers[0]);

    // 8. Scale out: the new app server serves the current release before it joins the balancer.
    const scaled = await client.call("PATCH", base, { appServer: { count: 3 } });
    expect(scaled.status, JSON.stringify(scaled.json)).toBe(202);
    const scaleTask = (await client.get(env.id)).json.task!;
    expect((await waitTask(client, env.id, scaleTask.id)).status).toBe("succeeded");
    const after = (await client.get(env.id)).json;
    expect(after.nodes.filter((n) => n.role === "app")).toHaveLength(3);
    expect(await servedTargets(after)).toEqual(Array(3).fill(`/var/www/releases/${gitDone.id}/adminer`));
    for (const p of await getThroughBalancer(after, "/", 6)) {
      expect(p.status).toBe(200);
      expect(p.body).toContain("Adminer");
    }
    return { env: after, adminer };
  } finally {
    const deployments = await list(client, env.id).catch(() => []);
    await deleteEnv(client, env.id);
    expect(heldReleases(deployments)).toEqual([]); // a deleted environment leaves no release behind
  }
}

/** Which of these deployments the control plane still holds a copy of (under the test server's data dir). */
function heldReleases(deployments: { id: string }[]): string[] {
  const dir = path.join(inject("phleetDataDir"), "releases");
  return deployments.map((d) => d.id).filter((id) => fs.existsSync(path.join(dir, `${id}.tar`))).sort();
}
