import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { LayerLimits, LimitLayer, ResourceLimits } from "@/server/contracts/limits";
import { apiFetch } from "./api";

const path = (envId: string, layer: LimitLayer) => `/api/v1/environments/${encodeURIComponent(envId)}/layers/${layer}/limits`;
const key = (envId: string, layer: LimitLayer) => ["environments", "detail", envId, "limits", layer] as const;

export const layerLimitsQuery = (envId: string, layer: LimitLayer) =>
  queryOptions({ queryKey: key(envId, layer), queryFn: ({ signal }) => apiFetch<LayerLimits>(path(envId, layer), { signal }) });

export function useSetLayerLimits(envId: string, layer: LimitLayer) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (limits: ResourceLimits) => apiFetch<LayerLimits>(path(envId, layer), { method: "PUT", body: limits }),
    onSuccess: (data) => qc.setQueryData(key(envId, layer), data),
  });
}
