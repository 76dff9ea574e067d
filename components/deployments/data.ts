import { queryOptions } from "@tanstack/react-query";
import { apiFetch, ApiRequestError } from "@/components/data/api";
import { ApiError } from "@/server/contracts/errors";
import type { Deployment, DeploymentList, VariableList } from "@/server/contracts/deployments";

/** Data of the Deployments tab: one queryOptions per query, polled fast while a rollout runs. */

const base = (id: string) => `/api/v1/environments/${encodeURIComponent(id)}`;
export const deploymentKeys = {
  list: (id: string) => ["deployments", id] as const,
  variables: (id: string) => ["variables", id] as const,
};

const busy = (items: Deployment[] | undefined) => !!items?.some((d) => d.status === "pending" || d.status === "running" || d.task?.status === "running");

export const deploymentsQuery = (id: string) =>
  queryOptions({
    queryKey: deploymentKeys.list(id),
    queryFn: ({ signal }) => apiFetch<DeploymentList>(`${base(id)}/deployments`, { signal }).then((r) => r.items),
    refetchInterval: (q) => (busy(q.state.data) ? 800 : 4000),
  });

export const variablesQuery = (id: string) =>
  queryOptions({
    queryKey: deploymentKeys.variables(id),
    queryFn: ({ signal }) => apiFetch<VariableList>(`${base(id)}/variables`, { signal }).then((r) => r.variables),
  });

export const activate = (id: string, deploymentId: string) => apiFetch<Deployment>(`${base(id)}/deployments/${encodeURIComponent(deploymentId)}/activate`, { method: "POST" });
export const deployGit = (id: string, body: unknown) => apiFetch<Deployment>(`${base(id)}/deployments`, { method: "POST", body });
export const saveVariables = (id: string, body: unknown) => apiFetch<VariableList>(`${base(id)}/variables`, { method: "PUT", body });

const TYPE_OF: Record<string, string> = { zip: "application/zip", gz: "application/gzip", tgz: "application/gzip", tar: "application/x-tar" };
export function archiveTypeOf(name: string): string | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".tar.gz")) return TYPE_OF.gz!;
  return TYPE_OF[lower.split(".").pop() ?? ""] ?? null;
}

/** Uploads an archive with XMLHttpRequest, which (unlike fetch) reports upload progress. */
export function uploadArchive(id: string, file: File, opts: { docroot: string; message: string }, onProgress: (fraction: number) => void): Promise<Deployment> {
  const type = archiveTypeOf(file.name);
  const q = new URLSearchParams();
  if (opts.docroot) q.set("docroot", opts.docroot);
  if (opts.message) q.set("message", opts.message);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${base(id)}/deployments${q.size ? `?${q}` : ""}`);
    xhr.setRequestHeader("content-type", type ?? file.type ?? "application/octet-stream");
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiRequestError(0, "network", "The upload was interrupted: Phleet's server did not answer."));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as Deployment);
      const parsed = ApiError.safeParse(body);
      reject(parsed.success ? new ApiRequestError(xhr.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details) : new ApiRequestError(xhr.status, `http_${xhr.status}`, `The server answered ${xhr.status}`));
    };
    xhr.send(file);
  });
}
