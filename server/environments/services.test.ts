import { nodeKind } from "../node-kinds";
import { beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { saveConfigFile } from "../config-files/service";
import { db } from "../db/client";
import { APP_ENV_FILE } from "../deployments/layout";
import { listVariables, putVariables } from "../deployments/variables";
import { AppError } from "../errors";
import { acquire, runningOperation } from "../operations/lock";
import { LABEL, managedLabels } from "../runtime/labels";
import { MemoryRuntime } from "../runtime/memory/memory-runtime";
import { settleTasks } from "../tasks/runner";
import { useFreshDatabase } from "../testing/unit-db";
import { healNode } from "./heal";
import { reconcile } from "./reconcile";
import { scaleAppServers } from "./scale";
import { createEnvironment, deleteEnvironment, getEnvironment, nodeAction } from "./service";

/**
 * The services above the runtime (create, scale, config save, rolling restart, heal, reconcile) against the
 * in-memory runtime and a real SQLite database: how they drive a runtime and take the environment's lock.
 * The real engine and real PHP are the integration suite's.
 */

// Seconds on a quiet machine; a generous limit for a busy one (the rolling restart waits out a 1 s health timeout).
vi.setConfig({ testTimeout: 30_000 });

const PHP_INI = "/etc/php/8.2/apache2/php.ini";
const SAVED = "memory_limit = 99M\n";
let rt: MemoryRuntime;
let n = 0;

beforeAll(async () => {
  process.env.PHLEET_HEALTH_TIMEOUT_MS = "2000";
  await useFreshDatabase();
  rt = new MemoryRuntime(); // one engine for the file, as the database is one
});

beforeEach(() => {
  rt.execHandler = null;
  rt.healthAfterStart = () => "running";
});

async function runningEnvironment(apps = 1) {
  const env = await createEnvironment(
    { name: `unit-${++n}`, appServer: { type: "apache-php", count: apps }, sessionStore: { type: "memcached", count: 1 }, loadBalancer: { type: "nginx", count: 1 } },
    rt,
  );
  await settleTasks();
  const after = await getEnvironment(env.id, rt);
  expect(after.status, after.error ?? "").toBe("running");
  return after;
}

const appContainer = (envName: string, ordinal: number) => rt.container(`phleet-${envName}-app-${ordinal}`);

/** An exec that blocks until released: holds an operation open in the middle, like a slow reload. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

async function expectConflict(p: Promise<unknown>, names: RegExp) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(409);
  expect((err as AppError).message).toMatch(names);
}

describe("one operation at a time per environment", () => {
  test("a scale during a layer-wide php.ini save is refused with 409 naming the save; the node added afterwards starts with the saved file", async () => {
    const env = await runningEnvironment(1);
    const reload = gate();
    let reloading = false;
    rt.execHandler = async (_c, cmd) => {
      if (cmd.includes("apache2ctl") && cmd.includes("graceful")) {
        reloading = true;
        await reload.opened;
      }
      return undefined;
    };
    const save = saveConfigFile({ kind: "layer", envId: env.id, layer: "app" }, PHP_INI, { content: SAVED, apply: "reload" }, null, rt);
    await expect.poll(() => reloading).toBe(true);
    await expectConflict(scaleAppServers(env.id, 2, rt), /saving php\.ini/);
    await expectConflict(nodeAction(env.id, env.nodes.find((x) => x.role === "app")!.id, "restart", rt), /saving php\.ini/);
    await expectConflict(deleteEnvironment(env.id, rt), /saving php\.ini/);
    reload.open();
    await save;
    expect(runningOperation(env.id)).toBeNull();

    await scaleAppServers(env.id, 2, rt);
    await settleTasks();
    expect(appContainer(env.name, 2).files.get(PHP_INI)).toBe(SAVED);
    expect(appContainer(env.name, 2).running).toBe(true);
  });

  test("a save during a scale is refused with 409 naming the scale", async () => {
    const env = await runningEnvironment(1);
    const slow = gate();
    rt.execHandler = async (c, cmd) => {
      if (c.name.endsWith("-lb") && cmd[0] === "nginx" && cmd[1] === "-t") await slow.opened; // the balancer sync of the scale
      return undefined;
    };
    await scaleAppServers(env.id, 2, rt);
    await expectConflict(
      saveConfigFile({ kind: "layer", envId: env.id, layer: "app" }, PHP_INI, { content: SAVED, apply: "reload" }, null, rt),
      /scaling the app layer/,
    );
    slow.open();
    await settleTasks();
    expect(runningOperation(env.id)).toBeNull();
  });

  test("a deletion holds the lock: anything else is refused while it runs", async () => {
    const env = await runningEnvironment(1);
    const slow = gate();
    const remove = rt.removeContainer.bind(rt);
    rt.removeContainer = async (id) => {
      await slow.opened;
      return remove(id);
    };
    await deleteEnvironment(env.id, rt);
    await expectConflict(scaleAppServers(env.id, 2, rt), /deleting the environment|is deleting/);
    slow.open();
    await settleTasks();
    expect(await db().environment.findUnique({ where: { id: env.id } })).toBeNull();
    expect(rt.byLabel({ [LABEL.environment]: env.id })).toHaveLength(0);
  });
});

describe("a layer's saved files reach every node", () => {
  test("a node rebuilt by reconciliation starts with its layer's saved php.ini", async () => {
    const env = await runningEnvironment(2);
    await saveConfigFile({ kind: "layer", envId: env.id, layer: "app" }, PHP_INI, { content: SAVED, apply: "reload" }, null, rt);
    const lost = appContainer(env.name, 1);
    await rt.removeContainer(lost.id);
    const report = await reconcile(rt);
    expect(report.recreated).toContain(`${env.name}-app-1`);
    const rebuilt = appContainer(env.name, 1);
    expect(rebuilt.id).not.toBe(lost.id);
    expect(rebuilt.files.get(PHP_INI)).toBe(SAVED);
    expect(rebuilt.running).toBe(true);
  });

  test("a node's own saved file wins over an older layer-wide one", async () => {
    const env = await runningEnvironment(2);
    await saveConfigFile({ kind: "layer", envId: env.id, layer: "app" }, PHP_INI, { content: SAVED, apply: "reload" }, null, rt);
    const node = env.nodes.find((x) => x.role === "app" && x.ordinal === 2)!;
    await saveConfigFile({ kind: "node", envId: env.id, nodeId: node.id }, PHP_INI, { content: "memory_limit = 7M\n", apply: "reload" }, null, rt);
    await rt.removeContainer(appContainer(env.name, 2).id);
    await rt.removeContainer(appContainer(env.name, 1).id);
    await reconcile(rt);
    expect(appContainer(env.name, 2).files.get(PHP_INI)).toBe("memory_limit = 7M\n");
    expect(appContainer(env.name, 1).files.get(PHP_INI)).toBe(SAVED);
  });
});

describe("heal and reconcile", () => {
  test("a crashed app server is healed once the environment is free, not in the middle of another operation", async () => {
    const env = await runningEnvironment(1);
    const app = appContainer(env.name, 1);
    const release = acquire(env.id, "a test operation");
    rt.crash(app.id);
    let healed: boolean | null = null;
    const heal = healNode(rt, env.nodes.find((x) => x.role === "app")!.id, "test").then((r) => (healed = r));
    await new Promise((r) => setTimeout(r, 200));
    expect(healed).toBeNull();
    expect(app.running).toBe(false);
    release();
    await heal;
    expect(healed).toBe(true);
    expect(app.running).toBe(true);
  });

  test("a deletion asked while background work runs waits for it instead of refusing; a user's operation still gets a 409", async () => {
    const env = await runningEnvironment(1);
    const userOp = acquire(env.id, "a user's save");
    await expect(deleteEnvironment(env.id, rt)).rejects.toMatchObject({ status: 409 });
    userOp();
    const release = acquire(env.id, "healing a node", { background: true });
    const accepted = await deleteEnvironment(env.id, rt);
    expect(accepted.status).toBe("deleting");
    await new Promise((r) => setTimeout(r, 200));
    expect(rt.byLabel({ [LABEL.environment]: env.id }).length).toBeGreaterThan(0); // still waiting
    release();
    await settleTasks();
    expect(await db().environment.findUnique({ where: { id: env.id } })).toBeNull();
    expect(rt.byLabel({ [LABEL.environment]: env.id })).toHaveLength(0);
  });

  test("two balancers on one engine are refused with 422 naming loadBalancer.count, and nothing is recorded", async () => {
    const input = { name: "unit-two-lb", appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 }, loadBalancer: { type: "nginx", count: 2 } } as const;
    await expect(createEnvironment(input, rt)).rejects.toMatchObject({ status: 422, details: [{ path: "loadBalancer.count" }] });
    expect(await db().environment.findUnique({ where: { name: "unit-two-lb" } })).toBeNull();
  });

  test("reconciliation removes a container of this installation that no environment knows", async () => {
    await runningEnvironment(1);
    const [net] = await rt.listNetworks();
    await rt.createContainer({
      name: "phleet-orphan",
      hostname: "orphan",
      image: "phleet/apache-php:x",
      labels: managedLabels("default", { [LABEL.environment]: "gone", [LABEL.node]: "gone" }),
      network: { name: net!.name, ip: "10.213.1.99" },
    });
    const report = await reconcile(rt);
    expect(report.removedContainers).toEqual(["phleet-orphan"]);
    expect(rt.byLabel({ [LABEL.environment]: "gone" })).toHaveLength(0);
  });
});

describe("rolling restart", () => {
  test("the second node fails its health check after a save: the save is rolled back on the layer, that node restarted again, the task fails", async () => {
    const env = await runningEnvironment(2);
    const BAD = "memory_limit = 1K\n";
    rt.healthAfterStart = (c) => (c.name.endsWith("-app-2") && c.files.get(PHP_INI) === BAD ? "unhealthy" : "running");
    // Phleet's own probe (the kind's health command, run through exec) fails on that node too.
    rt.execHandler = (c, cmd) => (c.status === "unhealthy" && cmd.join(" ") === nodeKind("apache-php").healthProbe.join(" ") ? { exitCode: 1, stdout: "", stderr: "" } : undefined);
    const result = await saveConfigFile({ kind: "layer", envId: env.id, layer: "app" }, PHP_INI, { content: BAD, apply: "restart", healthTimeoutMs: 1000 }, null, rt);
    expect(result.task).not.toBeNull();
    await settleTasks();
    const task = await db().task.findUniqueOrThrow({ where: { id: result.task!.id }, include: { steps: true } });
    expect(task.status).toBe("failed");
    expect(task.steps.find((s) => s.key === "rollback")?.status).toBe("succeeded");
    expect(appContainer(env.name, 1).starts).toBe(2); // restarted once with the new file
    expect(appContainer(env.name, 2).starts).toBe(3); // restarted, failed, restarted again after the rollback
    for (const i of [1, 2]) expect(appContainer(env.name, i).files.get(PHP_INI)).not.toBe(BAD);
    expect(appContainer(env.name, 2).status).toBe("running");
    const newest = await db().fileRevision.findFirst({ where: { environmentId: env.id, path: PHP_INI }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(newest?.message).toMatch(/rollback/i);
    expect(runningOperation(env.id)).toBeNull();
  });
});

describe("app variables", () => {
  test("a secret variable is sealed at rest, written plain to the app servers, never listed, and kept by a PUT that omits it", async () => {
    const env = await runningEnvironment(1);
    await putVariables(env.id, { variables: [{ name: "API_KEY", value: "s3cr3t-value", secret: true }, { name: "MODE", value: "prod", secret: false }] }, rt);
    const stored = await db().appVariable.findUniqueOrThrow({ where: { environmentId_name: { environmentId: env.id, name: "API_KEY" } } });
    expect(stored.value).not.toContain("s3cr3t-value");
    expect(appContainer(env.name, 1).files.get(APP_ENV_FILE)).toContain("s3cr3t-value");
    expect(JSON.stringify(await listVariables(env.id))).not.toContain("s3cr3t-value");
    // Omitting the value keeps the stored one (opened, not the sealed text, reaches the file).
    await putVariables(env.id, { variables: [{ name: "API_KEY", secret: true }, { name: "MODE", value: "dev", secret: false }] }, rt);
    const file = appContainer(env.name, 1).files.get(APP_ENV_FILE)!;
    expect(file).toContain("s3cr3t-value");
    expect(file).not.toContain("v1:");
  });
});
