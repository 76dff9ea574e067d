import type { Task } from "../contracts/environment";
import type { TaskRow, TaskStepRow } from "../db/client";

/** A task row with its steps, as the API shows it. */
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function taskView(t: Pick<TaskRow, "id" | "kind" | "status" | "error" | "createdAt" | "finishedAt"> & { steps: TaskStepRow[] }): Task {
  return {
    id: t.id,
    kind: t.kind,
    status: t.status,
    error: t.error,
    createdAt: t.createdAt.toISOString(),
    finishedAt: iso(t.finishedAt),
    steps: [...t.steps]
      .sort((a, b) => a.ordinal - b.ordinal)
      .map((s) => ({ key: s.key, title: s.title, status: s.status, message: s.message, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) })),
  };
}
