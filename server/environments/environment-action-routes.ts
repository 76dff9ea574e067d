import { ENVIRONMENT_ACTIONS, type EnvironmentAction } from "../contracts/environment";
import { json, parseQuery, route } from "../http/route";
import { z } from "zod";
import { environmentAction, taskHistory } from "./environment-actions";

/** Handlers behind app/api/v1/environments/{id}/{stop,start,restart} and .../tasks (route files re-export them). */

const post = (action: EnvironmentAction) => route<{ id: string }>(async ({ params }) => json({ task: await environmentAction(params.id, action) }, 202));

export const [stopPost, startPost, restartPost] = ENVIRONMENT_ACTIONS.map(post) as [ReturnType<typeof post>, ReturnType<typeof post>, ReturnType<typeof post>];

const TaskQuery = z.object({ limit: z.coerce.number().int().min(1, "limit must be at least 1").max(500, "limit must be at most 500").default(100) }).strict();

/** GET .../tasks?limit=N: every task with its steps, newest first. */
export const tasksGet = route<{ id: string }>(async ({ req, params }) => {
  const q = parseQuery(req, TaskQuery);
  return json({ items: await taskHistory(params.id, q.limit) });
});
