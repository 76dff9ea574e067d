import type { Environment, EnvironmentNode, NodeRole } from "@/server/contracts/environment";
import type { BadgeTone } from "@/components/ui/badge";

/** People's names for the node types and states the API speaks in. */

const TYPE_LABEL: Record<string, string> = {
  "apache-php": "Apache PHP 8.2",
  "nginx-php": "NGINX PHP-FPM 8.2",
  memcached: "Memcached",
  redis: "Redis",
  nginx: "NGINX",
  haproxy: "HAProxy",
  mariadb: "MariaDB 10.11",
  postgresql: "PostgreSQL 15",
};
export const typeLabel = (type: string) => TYPE_LABEL[type] ?? type;

export const ROLE_LABEL: Record<NodeRole, string> = { balancer: "Load balancer", app: "App server", session: "Session store", database: "Database" };

/** "2 × Apache PHP 8.2 · Memcached · NGINX" */
export function stackSummary(topology: Environment["topology"]): string {
  const app = `${topology.appServer.count} × ${typeLabel(topology.appServer.type)}`;
  const store = topology.sessionStore.count > 1 ? `${topology.sessionStore.count} × ${typeLabel(topology.sessionStore.type)}` : typeLabel(topology.sessionStore.type);
  return [app, store, ...(topology.database ? [typeLabel(topology.database.type)] : []), typeLabel(topology.loadBalancer.type)].join(" · ");
}

export const ENV_STATUS: Record<Environment["status"], { label: string; tone: BadgeTone }> = {
  creating: { label: "Creating", tone: "info" },
  running: { label: "Running", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
  deleting: { label: "Deleting", tone: "warning" },
};

export const NODE_STATUS: Record<EnvironmentNode["status"], { label: string; tone: BadgeTone }> = {
  created: { label: "Created", tone: "neutral" },
  starting: { label: "Starting", tone: "info" },
  running: { label: "Running", tone: "success" },
  unhealthy: { label: "Unhealthy", tone: "danger" },
  restarting: { label: "Restarting", tone: "warning" },
  paused: { label: "Paused", tone: "warning" },
  stopped: { label: "Stopped", tone: "neutral" },
  dead: { label: "Dead", tone: "danger" },
  removing: { label: "Removing", tone: "warning" },
  missing: { label: "Missing", tone: "danger" },
};

/** "3 min ago"; the exact time goes in a title attribute. */
export function relativeTime(iso: string, now = Date.now()): string {
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 30) return `${d} day${d === 1 ? "" : "s"} ago`;
  return new Date(iso).toLocaleDateString();
}

/** The URL as a link only once the balancer behind it runs (before, it would lead nowhere). */
export function liveUrl(env: Environment): string | null {
  const lb = env.nodes.find((n) => n.role === "balancer");
  return env.url && env.status === "running" && lb?.status === "running" ? env.url : null;
}

export const absoluteTime = (iso: string) => new Date(iso).toLocaleString();
