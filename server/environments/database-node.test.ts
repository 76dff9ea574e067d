import { beforeAll, describe, expect, test, vi } from "vitest";
import { CreateEnvironmentInput } from "../contracts/environment";
import { APP_ENV_FILE } from "../deployments/layout";
import { db } from "../db/client";
import { createEnvironment, deleteEnvironment, getEnvironment } from "./service";
import { planNodes } from "./topology";
import { DATABASE_ENV_PATH, databaseNames, generatePassword, parseDatabaseCounters, renderDatabaseEnv } from "../node-kinds/database";
import { LABEL } from "../runtime/labels";
import { MemoryRuntime } from "../runtime/memory/memory-runtime";
import { settleTasks } from "../tasks/runner";
import { useFreshDatabase } from "../testing/unit-db";
import { dailyBackupDue } from "../databases/backups";
import { databaseCredentials } from "../databases/credentials";
import { queryRate } from "../databases/stats";
import { parsePhpModules } from "../nodes/php-modules";
import { healNode } from "./heal";
import { reconcile } from "./reconcile";

/**
 * The database node above the runtime: generated credentials, the data volume, DB_* on the app servers, the
 * view without the password, and deletion keeping the volume only when asked. Against the in-memory runtime;
 * the real engine, MariaDB and PostgreSQL are database.integration.test.ts's.
 */

vi.setConfig({ testTimeout: 30_000 });

let rt: MemoryRuntime;
let n = 0;

beforeAll(async () => {
  process.env.PHLEET_HEALTH_TIMEOUT_MS = "2000";
  await useFreshDatabase();
  rt = new MemoryRuntime();
});

async function withDatabase(type: "mariadb" | "postgresql") {
  const env = await createEnvironment(
    CreateEnvironmentInput.parse({ name: `dbu-${++n}`, appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 1 }, database: { type } }),
    rt,
  );
  await settleTasks();
  const after = await getEnvironment(env.id, rt);
  expect(after.status, after.error ?? "").toBe("running");
  return after;
}

describe("pure parts", () => {
  test("the create body takes an optional database of a known type, and says which types exist", () => {
    const base = { name: "a", appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "redis", count: 1 } };
    expect(CreateEnvironmentInput.parse(base).database).toBeUndefined();
    expect(CreateEnvironmentInput.parse({ ...base, database: { type: "postgresql" } }).database).toEqual({ type: "postgresql" });
    const bad = CreateEnvironmentInput.safeParse({ ...base, database: { type: "oracle" } });
    expect(bad.error!.issues[0]!.message).toContain("mariadb, postgresql");
    expect(CreateEnvironmentInput.safeParse({ ...base, database: { type: "mariadb", password: "x" } }).success).toBe(false);
  });

  test("the database node has a fixed address of its own in the /24 and a short hostname", () => {
    const nodes = planNodes({ name: "shop", appServer: { type: "apache-php", count: 8 }, sessionStore: { type: "memcached", count: 3 }, database: { type: "mariadb" } }, "10.9.1");
    const dbNode = nodes.find((x) => x.role === "database")!;
    expect(dbNode).toMatchObject({ hostname: "shop-db", ip: "10.9.1.5", type: "mariadb", ordinal: 1 });
    expect(new Set(nodes.map((x) => x.ip)).size).toBe(nodes.length);
  });

  test("passwords are 24 letters and digits, never twice the same; names are identifiers", () => {
    const seen = new Set(Array.from({ length: 200 }, () => generatePassword()));
    expect(seen.size).toBe(200);
    for (const p of seen) expect(p).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(databaseNames("my-shop-2")).toEqual({ name: "my_shop_2", user: "my_shop_2_app" });
    expect(() => renderDatabaseEnv({ name: "x", user: "y", password: "a'b" })).toThrow(/characters/);
  });

  test("counters, query rate, daily schedule and php -m are read correctly", () => {
    expect(parseDatabaseCounters("connections\t3\nqueries\t120\nslow\t1\nbytes\t49152\n")).toEqual({ connections: 3, queries: 120, slowQueries: 1, bytes: 49152 });
    expect(parseDatabaseCounters("ERROR 2002")).toBeNull();
    expect(queryRate(undefined, { at: 1000, queries: 5 })).toBeNull();
    expect(queryRate({ at: 0, queries: 100 }, { at: 2000, queries: 150 })).toBe(25);
    expect(queryRate({ at: 0, queries: 100 }, { at: 2000, queries: 3 })).toBeNull(); // restarted: the counter went back
    const day = (h: number, m = 0) => new Date(Date.UTC(2026, 0, 10, h, m));
    expect(dailyBackupDue(day(2, 59), 3, null)).toBe(false);
    expect(dailyBackupDue(day(3, 1), 3, null)).toBe(true);
    expect(dailyBackupDue(day(3, 6), 3, day(3, 1))).toBe(false);
    expect(dailyBackupDue(day(3, 1), 3, new Date(Date.UTC(2026, 0, 9, 3, 2)))).toBe(true);
    // A database created after the hour (its creation counts as the last run): not due until the next day's hour.
    expect(dailyBackupDue(day(7, 5), 3, day(7, 0))).toBe(false);
    expect(dailyBackupDue(new Date(Date.UTC(2026, 0, 11, 3, 1)), 3, day(7, 0))).toBe(true);
    expect(parsePhpModules("[PHP Modules]\nCore\nmysqli\n\n[Zend Modules]\nZend OPcache\n")).toEqual({ php: ["Core", "mysqli"], zend: ["Zend OPcache"] });
  });
});

describe("an environment with a database node (in-memory runtime)", () => {
  test("credentials are generated, the data is on a labelled volume, the app servers get DB_*, the view never shows the password", async () => {
    const env = await withDatabase("mariadb");
    const creds = await databaseCredentials(env.id);
    expect(creds.password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(env.database).toEqual({ type: "mariadb", host: creds.host, port: 3306, name: creds.name, user: creds.user });
    expect(JSON.stringify(env)).not.toContain(creds.password);
    // Sealed at rest: a copy of the database alone does not reveal it.
    const stored = await db().database.findUniqueOrThrow({ where: { environmentId: env.id } });
    expect(stored.password).not.toContain(creds.password);
    expect(stored.password).toMatch(/^v1:/);

    const dbContainer = rt.byLabel({ [LABEL.environment]: env.id, [LABEL.role]: "database" })[0]!;
    expect(dbContainer.spec.publish ?? []).toEqual([]); // reachable only from the environment's network
    expect(dbContainer.spec.volumes).toEqual([expect.objectContaining({ target: "/var/lib/mysql" })]);
    const volume = dbContainer.spec.volumes![0]!;
    expect((await rt.listVolumes({ [LABEL.environment]: env.id })).map((v) => v.name)).toEqual([volume.name]);
    expect(dbContainer.files.get(DATABASE_ENV_PATH)).toContain(`PHLEET_DB_PASSWORD='${creds.password}'`);
    expect(dbContainer.spec.files!.find((f) => f.path === DATABASE_ENV_PATH)!.mode).toBe(0o600);
    expect(dbContainer.spec.env ?? []).toEqual([]);

    for (const app of rt.byLabel({ [LABEL.environment]: env.id, [LABEL.role]: "app" })) {
      // With the layer's variables (the file PHP loads before every script), never as container environment.
      expect(app.spec.env ?? []).toEqual([]);
      const vars = app.files.get(APP_ENV_FILE) ?? "";
      for (const [k, v] of [["DB_HOST", creds.host], ["DB_PORT", "3306"], ["DB_NAME", creds.name], ["DB_USER", creds.user], ["DB_PASSWORD", creds.password]]) {
        expect(vars).toContain(`'${k}' => '${v}',`);
      }
    }
    // No task step message of the creation carries the password.
    const steps = await db().taskStep.findMany({ where: { task: { environmentId: env.id } } });
    for (const s of steps) expect(s.message ?? "").not.toContain(creds.password);
  });

  test("a killed database node is started again (same container, same volume); one rebuilt by reconciliation mounts the same volume", async () => {
    const env = await withDatabase("mariadb");
    const node = env.nodes.find((x) => x.role === "database")!;
    const first = rt.container(node.containerName);
    rt.crash(first.id);
    expect(await healNode(rt, node.id, "test kill")).toBe(true);
    expect(rt.container(node.containerName).id).toBe(first.id);
    expect(rt.container(node.containerName).running).toBe(true);

    await rt.removeContainer(first.id);
    const report = await reconcile(rt);
    expect(report.recreated).toContain(node.hostname);
    const rebuilt = rt.container(node.containerName);
    expect(rebuilt.id).not.toBe(first.id);
    expect(rebuilt.spec.volumes).toEqual(first.spec.volumes);
    expect(rebuilt.files.get(DATABASE_ENV_PATH)).toBe(first.files.get(DATABASE_ENV_PATH));
  });

  test("DELETE ?keepData=true keeps the volume; a plain DELETE removes it", async () => {
    const kept = await withDatabase("postgresql");
    const keptVolume = (await rt.listVolumes({ [LABEL.environment]: kept.id }))[0]!.name;
    await deleteEnvironment(kept.id, rt, { keepData: true });
    await settleTasks();
    expect(await db().environment.findUnique({ where: { id: kept.id } })).toBeNull();
    expect(rt.volumes.has(keptVolume)).toBe(true);

    const gone = await withDatabase("postgresql");
    const goneVolume = (await rt.listVolumes({ [LABEL.environment]: gone.id }))[0]!.name;
    expect(goneVolume).not.toBe(keptVolume); // a re-created environment never mounts another's kept data
    await deleteEnvironment(gone.id, rt);
    await settleTasks();
    expect(rt.volumes.has(goneVolume)).toBe(false);
  });

  test("an environment without a database has no database node, no volume and no DB_*", async () => {
    const env = await createEnvironment(
      CreateEnvironmentInput.parse({ name: `dbu-${++n}`, appServer: { type: "nginx-php", count: 1 }, sessionStore: { type: "redis", count: 1 } }),
      rt,
    );
    await settleTasks();
    const after = await getEnvironment(env.id, rt);
    expect(after.database).toBeNull();
    expect(after.nodes.some((x) => x.role === "database")).toBe(false);
    expect(await rt.listVolumes({ [LABEL.environment]: env.id })).toEqual([]);
    expect(rt.byLabel({ [LABEL.environment]: env.id, [LABEL.role]: "app" })[0]!.spec.env).toBeUndefined();
    expect(after.task!.steps.find((s) => s.key === "database")!.status).toBe("skipped");
  });
});
