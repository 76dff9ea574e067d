import { BALANCER_CONF_PATH, UPSTREAM_CONF_PATH } from "./render";
import type { NodeKind, Reload } from "./types";

/** The load balancer: NGINX with a Phleet-managed upstream of the app servers, images/nginx-lb. */

export const NGINX_RELOAD: Reload = { reloadCmd: ["nginx", "-s", "reload"], reloadProcess: "nginx" };

export const nginxLb: NodeKind = {
  type: "nginx",
  role: "balancer",
  image: "nginx-lb",
  port: 80,
  restartPolicy: "unless-stopped",
  limits: { memoryMb: 128, cpus: 1, pids: 256 },
  healthProbe: ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/80"],
  files: [
    {
      id: "balancer-conf",
      path: BALANCER_CONF_PATH,
      label: "nginx.conf",
      tree: ["etc", "nginx"],
      language: "nginx",
      description: "The load balancer's NGINX configuration",
      readOnly: false,
      reload: "graceful",
      ...NGINX_RELOAD,
      validator: { kind: "nginx-main" },
      validatorLabel: "nginx -t -c FILE",
    },
    {
      id: "balancer-upstream",
      path: UPSTREAM_CONF_PATH,
      label: "phleet-upstream.conf",
      tree: ["etc", "nginx"],
      language: "nginx",
      description: "The app servers in rotation; managed by Phleet (rewritten on scaling and restarts)",
      readOnly: true,
      reload: "graceful",
      ...NGINX_RELOAD,
      validator: null,
      validatorLabel: null,
    },
  ],
};
