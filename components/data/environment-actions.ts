import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { Environment, EnvironmentAction, Task } from "@/server/contracts/environment";
import { apiFetch } from "./api";
import { environmentKeys } from "./environments";

/** Scaling, environment-wide actions and the task history: each answers with a task the page follows. */

const envPath = (id: string) => `/api/v1/environments/${encodeURIComponent(id)}`;

export const taskHistoryQuery = (id: string) =>
  queryOptions({
    queryKey: [...environmentKeys.detail(id), "tasks"] as const,
    queryFn: ({ signal }) => apiFetch<{ items: Task[] }>(`${envPath(id)}/tasks`, { signal }).then((r) => r.items),
    refetchInterval: (q) => (q.state.data?.some((t) => t.status === "running" || t.status === "pending") ? 1000 : 3000),
  });

export function useScaleEnvironment(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (count: number) => apiFetch<Environment>(envPath(id), { method: "PATCH", body: { appServer: { count } } }),
    onSuccess: (env) => {
      qc.setQueryData(environmentKeys.detail(id), env);
      void qc.invalidateQueries({ queryKey: environmentKeys.all });
    },
  });
}

export function useEnvironmentAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (action: EnvironmentAction) => apiFetch<{ task: Task }>(`${envPath(id)}/${action}`, { method: "POST" }),
    onSuccess: ({ task }) => {
      qc.setQueryData<Environment>(environmentKeys.detail(id), (env) => env && { ...env, task });
      void qc.invalidateQueries({ queryKey: environmentKeys.all });
    },
  });
}
