import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { DatabaseBackupList } from "@/server/contracts/database";
import type { Task } from "@/server/contracts/environment";
import { apiFetch } from "./api";
import { environmentKeys } from "./environments";

/** The database node's backups and an app server's `php -m`, for the environment page and the Info dialog. */

const base = (envId: string) => `/api/v1/environments/${encodeURIComponent(envId)}/database`;

const databaseKeys = {
  backups: (envId: string) => ["environments", "detail", envId, "database", "backups"] as const,
  phpModules: (envId: string, nodeId: string) => ["environments", "detail", envId, "php-modules", nodeId] as const,
};

export const backupsQuery = (envId: string, busy: boolean) =>
  queryOptions({
    queryKey: databaseKeys.backups(envId),
    queryFn: ({ signal }) => apiFetch<DatabaseBackupList>(`${base(envId)}/backups`, { signal }),
    refetchInterval: busy ? 1000 : 10_000,
  });

export const phpModulesQuery = (envId: string, nodeId: string) =>
  queryOptions({
    queryKey: databaseKeys.phpModules(envId, nodeId),
    queryFn: ({ signal }) =>
      apiFetch<{ php: string[]; zend: string[] }>(`/api/v1/environments/${encodeURIComponent(envId)}/nodes/${encodeURIComponent(nodeId)}/php-modules`, { signal }),
    staleTime: 30_000,
  });

/** Take a backup now, or restore one: both answer with the task the environment page follows. */
export function useBackupAction(envId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (a: { kind: "backup" } | { kind: "restore"; backupId: string }) =>
      apiFetch<Task>(a.kind === "backup" ? `${base(envId)}/backups` : `${base(envId)}/backups/${encodeURIComponent(a.backupId)}/restore`, { method: "POST" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: environmentKeys.detail(envId) });
      void qc.invalidateQueries({ queryKey: databaseKeys.backups(envId) });
    },
  });
}

export const backupDownloadUrl = (envId: string, backupId: string) => `${base(envId)}/backups/${encodeURIComponent(backupId)}/download`;
