import { acquire } from "../operations/lock";
import type { VariableList, VariablesInput } from "../contracts/deployments";
import { db } from "../db/client";
import { conflict, notFound, unprocessable } from "../errors";
import { runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";
import { seal } from "../secrets/box";
import { appEnvFile, storedVariables } from "./app-env";
import { APP_ENV_FILE } from "./layout";
import { gracefulReload } from "./node-ops";
import { appNodesOf } from "./rollout";

/**
 * The app layer's variables. A secret's value is write-only: it is stored and written to the app
 * servers, but never returned, logged or put in a task message; a PUT that omits it keeps it.
 */

export async function listVariables(envId: string): Promise<VariableList> {
  if (!(await db().environment.findUnique({ where: { id: envId } }))) throw notFound("Environment", envId);
  const rows = await db().appVariable.findMany({ where: { environmentId: envId }, orderBy: { name: "asc" } });
  return { variables: rows.map((r) => (r.secret ? { name: r.name, secret: true } : { name: r.name, value: r.value, secret: false })) };
}

/** Replaces the whole set, writes it to every app server and reloads them one at a time (graceful). */
export async function putVariables(envId: string, input: VariablesInput, rt: ContainerRuntime = runtime()): Promise<VariableList> {
  const env = await db().environment.findUnique({ where: { id: envId } });
  if (!env) throw notFound("Environment", envId);
  if (env.status !== "running") throw conflict(`The environment is ${env.status}; change variables when it is running`);
  const release = acquire(envId, "a change of variables");
  try {
    const existing = new Map((await storedVariables(envId)).map((r) => [r.name, r]));
    const next = input.variables.map((v) => {
      if (v.value !== undefined) return { name: v.name, value: v.value, secret: v.secret };
      const kept = existing.get(v.name);
      if (!kept) throw unprocessable(`Variable '${v.name}' needs a value (it has none stored yet)`);
      return { name: v.name, value: kept.value, secret: v.secret };
    });
    const content = await appEnvFile(envId, next);
    const nodes = (await appNodesOf(rt, envId));
    // Written everywhere first (a stopped node reads it when it starts), then applied node by node.
    for (const n of nodes) await rt.writeFiles(n.containerId, [{ path: APP_ENV_FILE, content, mode: 0o644 }]);
    await db().$transaction([
      db().appVariable.deleteMany({ where: { environmentId: envId } }),
      // A secret's value is sealed at rest (server/secrets/box.ts).
      ...next.map((v) => db().appVariable.create({ data: { environmentId: envId, ...v, value: v.secret ? seal(v.value) : v.value } })),
    ]);
    for (const n of nodes.filter((x) => x.running)) await gracefulReload(rt, n);
  } finally {
    release();
  }
  return listVariables(envId);
}
