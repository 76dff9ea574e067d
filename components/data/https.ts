import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { Certificate, CertificateInput, Domains, HttpsOptionsInput } from "@/server/contracts/https";
import { apiFetch } from "./api";
import { environmentKeys } from "./environments";

/** Domains & HTTPS of one environment: one queryOptions per resource, mutations that refresh both. */

const base = (envId: string) => `/api/v1/environments/${encodeURIComponent(envId)}`;

const httpsKeys = {
  certificate: (envId: string) => ["https", envId, "certificate"] as const,
  domains: (envId: string) => ["https", envId, "domains"] as const,
};

export const certificateQuery = (envId: string) =>
  queryOptions({
    queryKey: httpsKeys.certificate(envId),
    queryFn: ({ signal }) => apiFetch<Certificate>(`${base(envId)}/certificate`, { signal }),
    // Fast while an ACME order runs, so its end shows at once.
    refetchInterval: (q) => (q.state.data?.renewal.state === "issuing" ? 1000 : 10_000),
  });

export const domainsQuery = (envId: string) =>
  queryOptions({
    queryKey: httpsKeys.domains(envId),
    queryFn: ({ signal }) => apiFetch<Domains>(`${base(envId)}/domains`, { signal }),
  });

function useRefresh(envId: string) {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ["https", envId] });
    void qc.invalidateQueries({ queryKey: environmentKeys.detail(envId) });
  };
}

export function useSetDomains(envId: string) {
  const refresh = useRefresh(envId);
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (domains: string[]) => apiFetch<Domains>(`${base(envId)}/domains`, { method: "PUT", body: { domains } }),
    onSuccess: (d) => {
      qc.setQueryData(httpsKeys.domains(envId), d);
      refresh();
    },
  });
}

export function useSetCertificate(envId: string) {
  const refresh = useRefresh(envId);
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CertificateInput) => apiFetch<Certificate>(`${base(envId)}/certificate`, { method: "PUT", body: input }),
    onSuccess: (c) => {
      qc.setQueryData(httpsKeys.certificate(envId), c);
      refresh();
    },
  });
}

export function useRenewCertificate(envId: string) {
  const refresh = useRefresh(envId);
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<Certificate>(`${base(envId)}/certificate/renew`, { method: "POST" }),
    onSuccess: (c) => {
      qc.setQueryData(httpsKeys.certificate(envId), c);
      refresh();
    },
  });
}

export function useSetHttpsOptions(envId: string) {
  const refresh = useRefresh(envId);
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: HttpsOptionsInput) => apiFetch<Certificate>(`${base(envId)}/https`, { method: "PUT", body: input }),
    // A certificate read already under way would answer the options of before and overwrite the saved ones.
    onMutate: () => qc.cancelQueries({ queryKey: httpsKeys.certificate(envId) }),
    onSuccess: (c) => {
      qc.setQueryData(httpsKeys.certificate(envId), c);
      refresh();
    },
  });
}
