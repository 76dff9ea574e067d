import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { Host, HostAction, HostList } from "@/server/contracts/hosts";
import { apiFetch } from "./api";

const hostKeys = { all: ["hosts"] as const };

/** Every 2 s: a host's state and the nodes on it change while Swarm moves tasks. */
export const hostsQuery = () =>
  queryOptions({
    queryKey: hostKeys.all,
    queryFn: ({ signal }) => apiFetch<HostList>("/api/v1/hosts", { signal }),
    refetchInterval: 2000,
  });

export function useHostAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: HostAction }) => apiFetch<Host>(`/api/v1/hosts/${encodeURIComponent(id)}/${action}`, { method: "POST" }),
    onSettled: () => void qc.invalidateQueries({ queryKey: hostKeys.all }),
  });
}

/** Replaces a host's labels. */
export function useHostLabels(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (labels: Record<string, string>) => apiFetch<Host>(`/api/v1/hosts/${encodeURIComponent(id)}/labels`, { method: "PUT", body: { labels } }),
    onSettled: () => void qc.invalidateQueries({ queryKey: hostKeys.all }),
  });
}

/** The join command holds the Swarm's join token: fetched only when the user asks for it, never cached. */
export const fetchJoinCommand = () => apiFetch<HostList>("/api/v1/hosts?joinCommand=true").then((r) => r.joinCommand);
