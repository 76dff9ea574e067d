import { infiniteQueryOptions } from "@tanstack/react-query";
import type { AuditPage } from "@/server/contracts/audit";
import { apiFetch } from "@/components/data/api";

export interface AuditFilters {
  environmentId?: string;
  action?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

export const auditQuery = (f: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: ["audit", f] as const,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const qs = new URLSearchParams({ limit: "50" });
      for (const [k, v] of Object.entries(f)) if (v) qs.set(k, k === "from" || k === "to" ? new Date(v).toISOString() : v);
      if (pageParam) qs.set("cursor", pageParam);
      return apiFetch<AuditPage>(`/api/v1/audit?${qs}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 5000,
  });
