import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { CreateEnvironmentInput, Environment, EnvironmentNode, NodeAction } from "@/server/contracts/environment";
import { apiFetch, ApiRequestError } from "./api";

/** Fast while something is changing (task steps), steady otherwise: both within the 2 s promise. */
const BUSY_MS = 1000;
const IDLE_MS = 2000;
const isBusy = (env: Environment) => env.status === "creating" || env.status === "deleting" || env.task?.status === "running";

export const environmentKeys = {
  all: ["environments"] as const,
  list: () => [...environmentKeys.all, "list"] as const,
  detail: (id: string) => [...environmentKeys.all, "detail", id] as const,
};

export const environmentsQuery = () =>
  queryOptions({
    queryKey: environmentKeys.list(),
    queryFn: ({ signal }) => apiFetch<{ items: Environment[] }>("/api/v1/environments", { signal }).then((r) => r.items),
    refetchInterval: (q) => (q.state.data?.some(isBusy) ? BUSY_MS : IDLE_MS),
  });

export const environmentQuery = (id: string) =>
  queryOptions({
    queryKey: environmentKeys.detail(id),
    queryFn: ({ signal }) => apiFetch<Environment>(`/api/v1/environments/${encodeURIComponent(id)}`, { signal }),
    // A deleted environment stops being polled once it is gone.
    refetchInterval: (q) => {
      const e = q.state.error;
      if (e instanceof ApiRequestError && e.status === 404) return false;
      return q.state.data && isBusy(q.state.data) ? BUSY_MS : IDLE_MS;
    },
    retry: (count, err) => !(err instanceof ApiRequestError && (err.status === 404 || err.status === 401)) && count < 2,
  });

export function useCreateEnvironment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateEnvironmentInput) => apiFetch<Environment>("/api/v1/environments", { method: "POST", body: input }),
    onSuccess: (env) => {
      qc.setQueryData(environmentKeys.detail(env.id), env);
      void qc.invalidateQueries({ queryKey: environmentKeys.list() });
    },
  });
}

export function useDeleteEnvironment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string | { id: string; keepData: boolean }) =>
      typeof id === "string"
        ? apiFetch<Environment>(`/api/v1/environments/${encodeURIComponent(id)}`, { method: "DELETE" })
        : apiFetch<Environment>(`/api/v1/environments/${encodeURIComponent(id.id)}${id.keepData ? "?keepData=true" : ""}`, { method: "DELETE" }),
    onSuccess: (env) => {
      qc.setQueryData<Environment[]>(environmentKeys.list(), (items) => items?.map((e) => (e.id === env.id ? env : e)));
      void qc.invalidateQueries({ queryKey: environmentKeys.list() });
    },
  });
}

export function useNodeAction(envId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ nodeId, action }: { nodeId: string; action: NodeAction }) =>
      apiFetch<EnvironmentNode>(`/api/v1/environments/${encodeURIComponent(envId)}/nodes/${encodeURIComponent(nodeId)}/${action}`, { method: "POST" }),
    onSuccess: (node) => {
      qc.setQueryData<Environment>(environmentKeys.detail(envId), (env) => env && { ...env, nodes: env.nodes.map((n) => (n.id === node.id ? node : n)) });
      void qc.invalidateQueries({ queryKey: environmentKeys.detail(envId) });
    },
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ signedIn: false }>("/api/v1/auth/session", { method: "DELETE" }),
    onSuccess: () => qc.clear(),
  });
}
