import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/components/data/api";
import { environmentKeys } from "@/components/data/environments";
import type {
  ApplyMode,
  ConfigFile,
  ConfigFileList,
  ConfigRevisionList,
  RestartAccepted,
  SaveConfigFileResult,
} from "@/server/contracts/config-files";
import type { Environment } from "@/server/contracts/environment";

/** Where an edit goes: one node, or the whole app server layer. */
export type EditScope = { kind: "node"; nodeId: string; label: string } | { kind: "layer"; layer: "app" | "session"; label: string };

const enc = encodeURIComponent;
const scopeBase = (envId: string, s: EditScope) =>
  `/api/v1/environments/${enc(envId)}/${s.kind === "node" ? `nodes/${enc(s.nodeId)}` : `layers/${s.layer}`}`;
const scopeKey = (s: EditScope) => (s.kind === "node" ? `node:${s.nodeId}` : `layer:${s.layer}`);

const configKeys = {
  all: (envId: string) => ["config-files", envId] as const,
  list: (envId: string, s: EditScope) => [...configKeys.all(envId), scopeKey(s), "list"] as const,
  file: (envId: string, s: EditScope, path: string) => [...configKeys.all(envId), scopeKey(s), "file", path] as const,
  revisions: (envId: string, s: EditScope, path: string) => [...configKeys.all(envId), scopeKey(s), "revisions", path] as const,
};

export const fileListQuery = (envId: string, s: EditScope) =>
  queryOptions({
    queryKey: configKeys.list(envId, s),
    queryFn: ({ signal }) => apiFetch<ConfigFileList>(`${scopeBase(envId, s)}/files`, { signal }),
    staleTime: 60_000,
  });

export const fileQuery = (envId: string, s: EditScope, path: string) =>
  queryOptions({
    queryKey: configKeys.file(envId, s, path),
    queryFn: ({ signal }) => apiFetch<ConfigFile>(`${scopeBase(envId, s)}/files?path=${enc(path)}`, { signal }),
    // The editor holds a draft: never replace the saved version under it behind the user's back.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

export const revisionsQuery = (envId: string, s: EditScope, path: string) =>
  queryOptions({
    queryKey: configKeys.revisions(envId, s, path),
    queryFn: ({ signal }) => apiFetch<ConfigRevisionList>(`${scopeBase(envId, s)}/files/revisions?path=${enc(path)}`, { signal }).then((r) => r.items),
  });

function useAfterWrite(envId: string, s: EditScope, path: string) {
  const qc = useQueryClient();
  return (result: SaveConfigFileResult) => {
    qc.setQueryData(configKeys.file(envId, s, path), result.file);
    // Other scopes show the same file on the same nodes: read them again when opened.
    void qc.invalidateQueries({ queryKey: configKeys.all(envId), predicate: (q) => q.queryKey[3] === "file" && q.queryKey[2] !== scopeKey(s) });
    void qc.invalidateQueries({ queryKey: configKeys.all(envId), predicate: (q) => q.queryKey[3] === "revisions" });
    if (result.task) {
      qc.setQueryData<Environment>(environmentKeys.detail(envId), (env) => env && { ...env, task: result.task });
      void qc.invalidateQueries({ queryKey: environmentKeys.detail(envId) });
    }
  };
}

export function useSaveFile(envId: string, s: EditScope, path: string) {
  const after = useAfterWrite(envId, s, path);
  return useMutation({
    mutationFn: (v: { content: string; baseSha256: string; apply: ApplyMode; message?: string }) =>
      apiFetch<SaveConfigFileResult>(`${scopeBase(envId, s)}/files?path=${enc(path)}`, { method: "PUT", body: v }),
    onSuccess: after,
  });
}

export function useRollbackFile(envId: string, s: EditScope, path: string) {
  const after = useAfterWrite(envId, s, path);
  return useMutation({
    mutationFn: (revisionId: string) =>
      apiFetch<SaveConfigFileResult>(`${scopeBase(envId, s)}/files/rollback`, { method: "POST", body: { path, revisionId, apply: "none" } }),
    onSuccess: after,
  });
}

export function useRestart(envId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { layer: string; nodeIds?: string[] }) =>
      apiFetch<RestartAccepted>(`/api/v1/environments/${enc(envId)}/layers/${enc(v.layer)}/restart`, {
        method: "POST",
        body: v.nodeIds ? { nodeIds: v.nodeIds } : {},
      }),
    onSuccess: ({ task }) => {
      qc.setQueryData<Environment>(environmentKeys.detail(envId), (env) => env && { ...env, task });
      void qc.invalidateQueries({ queryKey: environmentKeys.detail(envId) });
      void qc.invalidateQueries({ queryKey: configKeys.all(envId), predicate: (q) => q.queryKey[3] === "revisions" });
    },
  });
}
