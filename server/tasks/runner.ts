import { db } from "../db/client";
import { log } from "../log";

/** Long work as a task record with steps that the UI and API can follow live. */

export interface StepDef {
  key: string;
  title: string;
}

export interface TaskContext {
  taskId: string;
  /** Runs one recorded step: running -> succeeded, or failed with the error's message. */
  step<T>(key: string, work: (progress: (message: string) => void) => Promise<T>): Promise<T>;
  skip(key: string, message: string): Promise<void>;
}

const g = globalThis as unknown as { __phleetTasks?: Map<string, Promise<void>> };
const running = (g.__phleetTasks ??= new Map());

export async function createTask(kind: string, environmentId: string | null, steps: StepDef[]) {
  return db().task.create({
    data: {
      kind,
      environmentId,
      status: "pending",
      steps: { create: steps.map((s, i) => ({ ordinal: i, key: s.key, title: s.title, status: "pending" })) },
    },
  });
}

/** Starts the task in the background; its failure is recorded, never thrown into the caller. */
export function runTask(
  taskId: string,
  work: (ctx: TaskContext) => Promise<void>,
  onFailure?: (message: string) => Promise<void>,
): Promise<void> {
  const promise = (async () => {
    await db().task.update({ where: { id: taskId }, data: { status: "running", startedAt: new Date() } });
    try {
      await work(contextFor(taskId));
      await db().task.update({ where: { id: taskId }, data: { status: "succeeded", finishedAt: new Date() } });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ taskId, err: message }, "task failed");
      await db().task.update({ where: { id: taskId }, data: { status: "failed", error: message, finishedAt: new Date() } });
      await db().taskStep.updateMany({ where: { taskId, status: "pending" }, data: { status: "skipped" } });
      if (onFailure) await onFailure(message).catch((e) => log.error({ taskId, err: e }, "task failure handler failed"));
    }
  })().finally(() => running.delete(taskId));
  running.set(taskId, promise);
  return promise;
}

function contextFor(taskId: string): TaskContext {
  const update = (key: string, data: Record<string, unknown>) =>
    db().taskStep.updateMany({ where: { taskId, key }, data });
  return {
    taskId,
    async step(key, work) {
      await update(key, { status: "running", startedAt: new Date() });
      let last = Promise.resolve() as Promise<unknown>;
      const progress = (message: string) => {
        last = last.then(() => update(key, { message })).catch(() => undefined);
      };
      try {
        const result = await work(progress);
        await last;
        await update(key, { status: "succeeded", finishedAt: new Date() });
        return result;
      } catch (err) {
        await last;
        const message = err instanceof Error ? err.message : String(err);
        await update(key, { status: "failed", message, finishedAt: new Date() });
        const title = (await db().taskStep.findFirst({ where: { taskId, key } }))?.title ?? key;
        throw new Error(`${title}: ${message}`);
      }
    },
    async skip(key, message) {
      await update(key, { status: "skipped", message, finishedAt: new Date() });
    },
  };
}

/** Waits for the running tasks (all, or those given); used on shutdown, by deletion and by tests. */
export async function settleTasks(ids?: string[]): Promise<void> {
  const list = ids ? ids.map((id) => running.get(id)).filter((p): p is Promise<void> => !!p) : [...running.values()];
  await Promise.allSettled(list);
}

export const isTaskRunning = (id: string) => running.has(id);
