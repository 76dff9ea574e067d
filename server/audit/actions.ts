/**
 * The name of each mutating API route as the audit trail shows it, keyed by "METHOD template"
 * (the path below /api/v1 with every route parameter replaced by {name}). A route missing here is
 * still recorded, under its method and template, so nothing goes unrecorded.
 */
type Params = Record<string, string | string[] | undefined>;

const ACTIONS: Record<string, (p: Params) => string> = {
  "POST /auth/session": () => "auth.sign-in",
  "DELETE /auth/session": () => "auth.sign-out",
  "POST /environments": () => "environment.create",
  "PATCH /environments/{id}": () => "environment.scale",
  "DELETE /environments/{id}": () => "environment.delete",
  "POST /environments/{id}/nodes/{nodeId}/{action}": (p) => `node.${String(p.action)}`,
  "PUT /environments/{id}/nodes/{nodeId}/files": () => "config.save",
  "POST /environments/{id}/nodes/{nodeId}/files/rollback": () => "config.rollback",
  "PUT /environments/{id}/layers/{layer}/files": () => "config.save",
  "POST /environments/{id}/layers/{layer}/files/rollback": () => "config.rollback",
  "POST /environments/{id}/layers/{layer}/restart": () => "layer.restart",
  "POST /environments/{id}/traffic": () => "traffic.send",
  "POST /reconcile": () => "reconcile",
  "POST /environments/{id}/stop": () => "environment.stop",
  "POST /environments/{id}/start": () => "environment.start",
  "POST /environments/{id}/restart": () => "environment.restart",
  "PUT /environments/{id}/layers/{layer}/limits": () => "limits.change",
  "POST /environments/{id}/deployments": () => "deployment.create",
  "POST /environments/{id}/deployments/{deploymentId}/activate": () => "deployment.activate",
  "PUT /environments/{id}/deployment-settings": () => "deployment.settings",
  "PUT /environments/{id}/variables": () => "variables.change",
  "PUT /environments/{id}/domains": () => "domains.change",
  "PUT /environments/{id}/certificate": () => "certificate.change",
  "POST /environments/{id}/certificate/renew": () => "certificate.renew",
  "PUT /environments/{id}/https": () => "https.options",
  "POST /environments/{id}/database/backups": () => "database.backup",
  "POST /environments/{id}/database/backups/{backupId}/restore": () => "database.restore",
  "PUT /environments/{id}/database/backup-schedule": () => "database.backup-schedule",
  "POST /hosts/{hostId}/{action}": (p) => `host.${String(p.action)}`,
  "PUT /hosts/{hostId}/labels": () => "host.labels",
};

/** The route's template: "/environments/abc/nodes/xyz/stop" with {id, nodeId, action} -> "/environments/{id}/nodes/{nodeId}/{action}". */
export function templateOf(pathname: string, params: Params): string {
  const rel = pathname.replace(/^\/api\/v1/, "") || "/";
  const byValue = new Map<string, string>();
  for (const [name, value] of Object.entries(params)) if (typeof value === "string") byValue.set(value, name);
  return rel
    .split("/")
    .map((seg) => {
      const name = byValue.get(decodeURIComponent(seg));
      return name ? `{${name}}` : seg;
    })
    .join("/");
}

export function actionOf(method: string, template: string, params: Params): string {
  const named = ACTIONS[`${method} ${template}`];
  return named ? named(params) : `${method} ${template}`;
}

