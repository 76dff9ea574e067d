import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseStats } from "../contracts/database";
import type { Environment } from "../contracts/environment";
import { deleteEnv, files, waitTask } from "../config-files/test-helpers";
import { api } from "../testing/api-client";
import { DB_TEST_PAGE, execOut, writeInto } from "../testing/database-helpers";

/**
 * The database node's config files and statistics against real MariaDB and PostgreSQL: a file the server's
 * own tool refuses is not saved (422 with its message); a good one applies by a restart of the node, on its
 * volume, with the rows kept; statistics count connections, queries per second, slow queries and size.
 */

const client = api();

async function create(name: string, db: "mariadb" | "postgresql"): Promise<Environment> {
  const r = await client.create({ name, appServer: { type: "nginx-php", count: 1 }, sessionStore: { type: "redis", count: 1 }, database: { type: db } });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const env = await client.waitSettled(r.json.id, 420_000);
  expect(env.status, env.error ?? "").toBe("running");
  const app = env.nodes.find((n) => n.role === "app")!;
  await writeInto(app.containerId!, "/var/www/html/dbtest.php", DB_TEST_PAGE);
  return env;
}

async function labels(env: Environment, query = ""): Promise<string[]> {
  const r = await fetch(`${env.url}/dbtest.php${query}`, { signal: AbortSignal.timeout(20_000) });
  const text = await r.text();
  expect(r.status, text).toBe(200);
  return (JSON.parse(text) as { labels: string[] }).labels;
}

const dbNodeOf = (env: Environment) => env.nodes.find((n) => n.role === "database")!;

async function saveAndRestart(env: Environment, path: string, content: string) {
  const node = files(client, `/api/v1/environments/${env.id}/nodes/${dbNodeOf(env).id}`);
  const saved = await node.save(path, { content, apply: "restart", healthTimeoutMs: 120_000 });
  expect(saved.status, JSON.stringify(saved.json)).toBe(202); // accepted: the restart is a task
  const task = await waitTask(client, env.id, saved.json.task!.id);
  expect(task.status, JSON.stringify(task)).toBe("succeeded");
}

describe("MariaDB: my.cnf and statistics", () => {
  let env: Environment;
  beforeAll(async () => {
    env = await create("dbc-maria", "mariadb");
  });
  afterAll(async () => {
    if (env) await deleteEnv(client, env.id);
  });

  it("refuses a my.cnf mariadbd does not accept; applies a good one by a restart, rows kept", async () => {
    await labels(env, "?op=init");
    await labels(env, "?op=add&label=kept");
    const node = files(client, `/api/v1/environments/${env.id}/nodes/${dbNodeOf(env).id}`);
    const current = await node.read("/etc/mysql/my.cnf");
    expect(current.status).toBe(200);
    const refused = await node.save("/etc/mysql/my.cnf", { content: current.json.content.replace("[mysqld]", "[mysqld]\nnot_a_setting = 1"), apply: "restart" });
    expect(refused.status, JSON.stringify(refused.json)).toBe(422);
    expect(refused.json.error!.message).toContain("not_a_setting");

    await saveAndRestart(env, "/etc/mysql/my.cnf", current.json.content.replace(/^max_connections = \d+$/m, "max_connections = 77"));
    const r = await execOut(dbNodeOf(env).containerId!, ["mariadb", "-N", "-B", "-e", "SELECT @@max_connections"]);
    expect(r.out.trim()).toBe("77");
    expect(await labels(env)).toEqual(["kept"]);
  });

  it("statistics: connections, queries per second, slow queries, size on disk", async () => {
    const first = (await client.call("GET", `/api/v1/environments/${env.id}/database/stats`)).json as DatabaseStats;
    expect(first.up).toBe(true);
    for (let i = 0; i < 20; i++) await labels(env, `?op=add&label=row${i}`);
    await execOut(dbNodeOf(env).containerId!, ["mariadb", "-e", "SET SESSION long_query_time = 0; SELECT SLEEP(0.01);"]);
    const second = (await client.call("GET", `/api/v1/environments/${env.id}/database/stats`)).json as DatabaseStats;
    expect(second.connections).toBeGreaterThanOrEqual(1);
    expect(second.queriesPerSecond).toBeGreaterThan(0);
    expect(second.slowQueries).toBeGreaterThanOrEqual(1);
    expect(second.sizeBytes).toBeGreaterThan(0);
  });
});

describe("PostgreSQL: postgresql.conf, pg_hba.conf and statistics", () => {
  let env: Environment;
  beforeAll(async () => {
    env = await create("dbc-pg", "postgresql");
  });
  afterAll(async () => {
    if (env) await deleteEnv(client, env.id);
  });

  it("refuses a postgresql.conf or pg_hba.conf the server would not start with; applies a good one by a restart, rows kept", async () => {
    await labels(env, "?op=init");
    await labels(env, "?op=add&label=kept");
    const node = files(client, `/api/v1/environments/${env.id}/nodes/${dbNodeOf(env).id}`);
    const conf = await node.read("/etc/postgresql/postgresql.conf");
    const badConf = await node.save("/etc/postgresql/postgresql.conf", { content: `${conf.json.content}not_a_setting = 1\n`, apply: "restart" });
    expect(badConf.status, JSON.stringify(badConf.json)).toBe(422);
    expect(badConf.json.error!.message).toContain("not_a_setting");

    const hba = await node.read("/etc/postgresql/pg_hba.conf");
    const badHba = await node.save("/etc/postgresql/pg_hba.conf", { content: `${hba.json.content}host all all 0.0.0.0/0 not-a-method\n`, apply: "restart" });
    expect(badHba.status, JSON.stringify(badHba.json)).toBe(422);
    expect(badHba.json.error!.message).toMatch(/not-a-method|authentication/);

    await saveAndRestart(env, "/etc/postgresql/postgresql.conf", conf.json.content.replace(/^max_connections = \d+$/m, "max_connections = 77"));
    const r = await execOut(dbNodeOf(env).containerId!, ["sh", "-c", "echo 'SHOW max_connections;' | /usr/local/bin/phleet-db sql postgres"]);
    expect(r.out).toContain("77");
    expect(await labels(env)).toEqual(["kept"]);
  });

  it("statistics: connections, queries per second, size on disk", async () => {
    const first = (await client.call("GET", `/api/v1/environments/${env.id}/database/stats`)).json as DatabaseStats;
    expect(first.up).toBe(true);
    for (let i = 0; i < 20; i++) await labels(env, `?op=add&label=row${i}`);
    const second = (await client.call("GET", `/api/v1/environments/${env.id}/database/stats`)).json as DatabaseStats;
    expect(second.queriesPerSecond).toBeGreaterThan(0);
    expect(second.sizeBytes).toBeGreaterThan(1_000_000); // an empty PostgreSQL database is already several MB
  });
});
