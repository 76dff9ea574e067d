import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { DatabaseBackupList } from "../contracts/database";
import type { DatabaseCredentials, Environment, Task } from "../contracts/environment";
import { deleteEnv, files, waitTask } from "../config-files/test-helpers";
import { api } from "../testing/api-client";
import { adminerRoot, tarGzOf } from "../deployments/testing/fixtures";
import { deployRaw, waitDeployment } from "../deployments/testing/scenario";
import { DB_TEST_PAGE, execOut, FormClient, writeInto } from "../testing/database-helpers";
import { until } from "../testing/load";

/**
 * Issue 12 against the real engine, real MariaDB and PostgreSQL from Debian, real PHP: environments with two
 * app servers, a session store and a database node. A PHP page using mysqli / pdo_pgsql with the DB_* the app
 * servers were given; Debian's Adminer (a real application nobody here wrote) logging in and writing through
 * the balancer; the database killed and brought back with every row; backup, change, restore; a corrupt dump
 * refused with the data unchanged; the PHP extension list switched through the validated save.
 */

const client = api();
const docker = new Docker();

type Stack = { db: "mariadb" | "postgresql"; app: "apache-php" | "nginx-php"; store: "memcached" | "redis" };

async function createWithDatabase(name: string, s: Stack): Promise<Environment> {
  const created = await client.create({ name, appServer: { type: s.app, count: 2 }, sessionStore: { type: s.store, count: 1 }, database: { type: s.db } });
  expect(created.status, JSON.stringify(created.json)).toBe(202);
  const env = await client.waitSettled(created.json.id, 420_000);
  expect(env.status, `${env.error ?? ""} ${JSON.stringify(env.task?.steps)}`).toBe("running");
  return env;
}

const apps = (env: Environment) => env.nodes.filter((n) => n.role === "app");
const dbNode = (env: Environment) => env.nodes.find((n) => n.role === "database")!;

async function page(env: Environment, query = ""): Promise<{ node: string; driver: string; labels: string[] }> {
  const res = await fetch(`${env.url}/dbtest.php${query}`, { signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as { node: string; driver: string; labels: string[] };
}

async function finished(envId: string, task: Task): Promise<Task> {
  return waitTask(client, envId, task.id, 300_000);
}

async function backup(envId: string) {
  const r = await client.call("POST", `/api/v1/environments/${envId}/database/backups`);
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const t = await finished(envId, r.json as Task);
  expect(t.status, JSON.stringify(t)).toBe("succeeded");
  const list = (await client.call("GET", `/api/v1/environments/${envId}/database/backups`)).json as DatabaseBackupList;
  return list.items[0]!;
}

async function restore(envId: string, backupId: string): Promise<Task> {
  const r = await client.call("POST", `/api/v1/environments/${envId}/database/backups/${backupId}/restore`);
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  return finished(envId, r.json as Task);
}

function suite(label: string, s: Stack, envName: string) {
  describe(label, () => {
    let env: Environment;
    let creds: DatabaseCredentials;

    beforeAll(async () => {
      env = await createWithDatabase(envName, s);
      creds = (await client.call("GET", `/api/v1/environments/${env.id}/database/credentials`)).json as DatabaseCredentials;
      for (const a of apps(env)) await writeInto(a.containerId!, "/var/www/html/dbtest.php", DB_TEST_PAGE);
    });

    afterAll(async () => {
      if (env) await deleteEnv(client, env.id);
    });

    it("has generated credentials, shown only by .../credentials; the port is not published; the data is on a labelled volume", async () => {
      expect(creds.password).toMatch(/^[A-Za-z0-9]{24}$/);
      const d = dbNode(env);
      expect(env.database).toEqual({ type: s.db, host: d.ip, port: s.db === "mariadb" ? 3306 : 5432, name: creds.name, user: creds.user });
      expect(JSON.stringify((await client.get(env.id)).json)).not.toContain(creds.password);
      expect(JSON.stringify((await client.call("GET", "/api/v1/environments")).json)).not.toContain(creds.password);

      const info = await docker.getContainer(d.containerId!).inspect();
      expect(Object.values(info.HostConfig.PortBindings ?? {}).flat()).toEqual([]);
      expect(info.NetworkSettings.Ports?.[`${env.database!.port}/tcp`] ?? null).toBeNull();
      const mount = info.Mounts.find((m) => m.Type === "volume")!;
      expect(mount.Destination).toBe(s.db === "mariadb" ? "/var/lib/mysql" : "/var/lib/postgresql/data");
      const vol = await docker.getVolume(mount.Name!).inspect();
      expect(vol.Labels).toMatchObject({ "phleet.instance": inject("phleetInstance"), "phleet.environment": env.id });
      // The password is in no log line of the node (its own first-start log included).
      const logs = (await docker.getContainer(d.containerId!).logs({ stdout: true, stderr: true, tail: 2000 })).toString("utf8");
      expect(logs).not.toContain(creds.password);
      // Nor is it an app server's container environment (which `docker inspect` shows): DB_* come with the layer's variables.
      for (const a of apps(env)) expect(JSON.stringify((await docker.getContainer(a.containerId!).inspect()).Config.Env)).not.toContain(creds.password);
    });

    it(`the app servers reach it with ${s.db === "mariadb" ? "mysqli" : "pdo_pgsql"} through DB_*, and both see the same rows through the balancer`, async () => {
      await page(env, "?op=init");
      await page(env, "?op=add&label=first");
      await page(env, "?op=add&label=second");
      const seen = new Set<string>();
      for (let i = 0; i < 12 && seen.size < 2; i++) {
        const r = await page(env);
        expect(r.driver).toBe(s.db === "mariadb" ? "mysqli" : "pdo_pgsql");
        expect(r.labels).toEqual(["first", "second"]);
        seen.add(r.node);
      }
      expect([...seen].sort()).toEqual(apps(env).map((a) => a.hostname).sort());
    });

    it("php -m of an app server lists the extensions real applications need", async () => {
      const r = await client.call("GET", `/api/v1/environments/${env.id}/nodes/${apps(env)[0]!.id}/php-modules`);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      const m = r.json as { php: string[]; zend: string[] };
      for (const ext of ["mysqli", "pdo_mysql", "pgsql", "pdo_pgsql", "gd", "mbstring", "intl", "xml", "dom", "curl", "zip", "bcmath", "apcu", "memcached", "redis"]) {
        expect(m.php, ext).toContain(ext);
      }
      expect(m.zend).toContain("Zend OPcache");
    });

    it("Adminer (Debian's package) logs in and writes through the balancer, with its session across both app servers", async () => {
      // Deployed through the deployment API, as a user would: Debian's adminer tree, served at /adminer/ (its
      // root has no index, so the rollout's health request asks /adminer/).
      const settings = await client.call("PUT", `/api/v1/environments/${env.id}/deployment-settings`, { healthPath: "/adminer/" });
      expect(settings.status, JSON.stringify(settings.json)).toBe(200);
      // The release carries the test page too: a deployment replaces the demo release the page was written into.
      const release = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-db-release-"));
      fs.cpSync(adminerRoot(), release, { recursive: true });
      fs.writeFileSync(path.join(release, "dbtest.php"), DB_TEST_PAGE);
      const posted = await deployRaw(client, env.id, tarGzOf(release), "application/gzip", "?message=adminer");
      fs.rmSync(release, { recursive: true, force: true });
      expect(posted.status, JSON.stringify(posted.json)).toBe(202);
      const deployed = await waitDeployment(client, env.id, posted.json.id);
      expect(deployed.status, JSON.stringify(deployed.task?.steps)).toBe("succeeded");
      const b = new FormClient(env.url!);
      const driver = s.db === "mariadb" ? "server" : "pgsql";
      const login = await b.follow("/adminer/");
      expect(login.status, login.body.slice(0, 500)).toBe(200);
      expect(login.body).toContain("auth[username]");
      const after = await b.follow("/adminer/", {
        "auth[driver]": driver,
        "auth[server]": creds.host,
        "auth[username]": creds.user,
        "auth[password]": creds.password,
        "auth[db]": creds.name,
      });
      expect(after.status, after.body.slice(0, 800)).toBe(200);
      expect(after.body, after.body.slice(0, 1500)).not.toContain("auth[password]");
      const base = `/adminer/?${driver === "server" ? "server" : "pgsql"}=${creds.host}&username=${creds.user}&db=${creds.name}${s.db === "postgresql" ? "&ns=public" : ""}`;
      // Several pages in a row: each is answered by either app server, and the login (a session) holds on both.
      for (let i = 0; i < 4; i++) {
        const p = await b.follow(base);
        expect(p.status).toBe(200);
        expect(p.body, p.body.slice(0, 800)).not.toContain("auth[password]");
        expect(p.body).toContain("items");
      }
      const form = await b.follow(`${base}&sql=`);
      const token = /name=["']token["'] value=["']([^"']+)["']/.exec(form.body)?.[1];
      expect(token, form.body.slice(0, 800)).toBeTruthy();
      const ran = await b.follow(`${base}&sql=`, { query: "INSERT INTO items (label) VALUES ('from-adminer')", token: token!, limit: "" });
      expect(ran.status).toBe(200);
      expect(ran.body, ran.body.slice(0, 1500)).toMatch(/Query executed OK|1 row affected|Query executed/);
      expect((await page(env)).labels).toEqual(["first", "second", "from-adminer"]);
    });

    it("the database container killed: Phleet brings it back on its volume with every row", async () => {
      const before = (await page(env)).labels;
      const id = dbNode(env).containerId!;
      const startedBefore = (await docker.getContainer(id).inspect()).State.StartedAt;
      await docker.getContainer(id).kill({ signal: "SIGKILL" });
      const t0 = Date.now();
      await until(
        "the database node runs and is healthy again",
        async () => {
          const st = (await docker.getContainer(id).inspect()).State;
          return st.StartedAt !== startedBefore && st.Health?.Status === "healthy";
        },
        120_000,
        500,
      );
      console.log(`[${s.db}] killed -> healthy again in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      await until("the page answers again", async () => (await fetch(`${env.url}/dbtest.php`)).status === 200, 30_000, 500);
      expect((await page(env)).labels).toEqual(before);
    });

    it("backup, change, restore: the data is as at the backup; a corrupt dump fails and changes nothing", async () => {
      const b = await backup(env.id);
      const atBackup = (await page(env)).labels;
      const dl = await fetch(`${client.base}/api/v1/environments/${env.id}/database/backups/${b.id}/download`, { headers: { authorization: `Bearer ${client.token}` } });
      expect(dl.status).toBe(200);
      const dump = await dl.text();
      expect(dump).toContain("from-adminer");
      expect(dump).not.toContain(creds.password);

      await page(env, "?op=add&label=after-backup");
      expect((await page(env)).labels).toEqual([...atBackup, "after-backup"]);
      const ok = await restore(env.id, b.id);
      expect(ok.status, JSON.stringify(ok)).toBe("succeeded");
      expect((await page(env)).labels).toEqual(atBackup);

      // Corrupt the kept file: a valid start, a broken statement in the middle, the end marker kept (so only
      // the all-or-nothing load can save the data), then a cut-off one (refused before anything runs).
      await page(env, "?op=add&label=before-corrupt");
      const current = (await page(env)).labels;
      const file = path.join(inject("phleetDataDir"), "backups", env.id, b.file);
      const original = fs.readFileSync(file, "utf8");
      const cut = original.indexOf("INSERT INTO") > 0 ? original.indexOf("INSERT INTO") : original.indexOf("COPY ");
      expect(cut).toBeGreaterThan(0);
      fs.writeFileSync(file, `${original.slice(0, cut)}THIS IS NOT SQL;\n${original.slice(cut)}`);
      const bad = await restore(env.id, b.id);
      expect(bad.status).toBe("failed");
      expect(bad.error).toMatch(/unchanged/);
      expect((await page(env)).labels).toEqual(current);

      fs.writeFileSync(file, original.slice(0, Math.floor(original.length / 2)));
      const truncated = await restore(env.id, b.id);
      expect(truncated.status).toBe("failed");
      expect(truncated.error).toMatch(/incomplete/);
      expect((await page(env)).labels).toEqual(current);
      fs.writeFileSync(file, original);
    });

    it("the extension list turns an extension off per layer through the validated save; a list that does not load is refused", async () => {
      const layer = files(client, `/api/v1/environments/${env.id}/layers/app`);
      const list = await layer.read("/etc/php/8.2/phleet/extensions.ini");
      expect(list.status, JSON.stringify(list.json)).toBe(200);
      const refused = await layer.save("/etc/php/8.2/phleet/extensions.ini", { content: `${list.json.content}extension=not_an_extension\n`, apply: "reload" });
      expect(refused.status, JSON.stringify(refused.json)).toBe(422);
      const off = await layer.save("/etc/php/8.2/phleet/extensions.ini", { content: list.json.content.replace(/^extension=gd$/m, ";extension=gd"), apply: "reload" });
      expect(off.status, JSON.stringify(off.json)).toBe(200);
      for (const a of apps(env)) {
        const m = (await client.call("GET", `/api/v1/environments/${env.id}/nodes/${a.id}/php-modules`)).json as { php: string[] };
        expect(m.php).not.toContain("gd");
        expect(m.php).toContain("mysqli");
        // The web server's PHP too, not only the CLI.
        const web = await execOut(a.containerId!, ["php", "-r", 'echo file_get_contents("http://127.0.0.1/dbtest.php");']);
        expect(web.out).toContain('"labels"');
      }
      await writeInto(apps(env)[0]!.containerId!, "/var/www/html/gdcheck.php", "<?php echo extension_loaded('gd') ? 'gd-on' : 'gd-off';");
      const r = await execOut(apps(env)[0]!.containerId!, ["php", "-r", 'echo file_get_contents("http://127.0.0.1/gdcheck.php");']);
      expect(r.out).toBe("gd-off");
    });
  });
}

suite("MariaDB with apache-php and memcached sessions", { db: "mariadb", app: "apache-php", store: "memcached" }, "db-maria");
suite("PostgreSQL with nginx-php and redis sessions", { db: "postgresql", app: "nginx-php", store: "redis" }, "db-pg");

describe("deletion and the data volume", () => {
  it("DELETE ?keepData=true keeps the volume; a plain DELETE removes it", async () => {
    const kept = await createWithDatabase("db-keep", { db: "mariadb", app: "nginx-php", store: "redis" });
    const volOf = async (e: Environment) => (await docker.getContainer(dbNode(e).containerId!).inspect()).Mounts.find((m) => m.Type === "volume")!.Name!;
    const keptVolume = await volOf(kept);
    expect((await client.call("DELETE", `/api/v1/environments/${kept.id}?keepData=maybe`)).status).toBe(422);
    expect((await client.call("DELETE", `/api/v1/environments/${kept.id}?keepData=true`)).status).toBe(202);
    await client.waitGone(kept.id);
    expect((await docker.getVolume(keptVolume).inspect()).Name).toBe(keptVolume);
    await docker.getVolume(keptVolume).remove();

    const gone = await createWithDatabase("db-gone", { db: "postgresql", app: "apache-php", store: "memcached" });
    const goneVolume = await volOf(gone);
    await deleteEnv(client, gone.id);
    await expect(docker.getVolume(goneVolume).inspect()).rejects.toThrow();
  });
});
