import { HAPROXY_BACKEND_PATH, HAPROXY_CONF_PATH } from "./haproxy-render";
import type { NodeKind, Reload } from "./types";

/** The second balancer type: HAProxy 2.6 with Phleet-managed app servers, images/haproxy-lb. */

/** Master-worker mode: SIGUSR2 to the master starts a worker with the new files; the old one finishes its requests. */
export const HAPROXY_RELOAD: Reload = { reloadCmd: ["sh", "-c", "kill -USR2 \"$(cat /run/haproxy/haproxy.pid)\""], reloadProcess: "haproxy" };

export const haproxyLb: NodeKind = {
  type: "haproxy",
  role: "balancer",
  image: "haproxy-lb",
  port: 80,
  restartPolicy: "unless-stopped",
  limits: { memoryMb: 128, cpus: 1, pids: 256 },
  healthProbe: ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/80"],
  files: [
    {
      id: "balancer-conf",
      path: HAPROXY_CONF_PATH,
      label: "haproxy.cfg",
      tree: ["etc", "haproxy"],
      language: "plain",
      description: "The load balancer's HAProxy configuration (global, defaults, the frontend)",
      readOnly: false,
      reload: "graceful",
      ...HAPROXY_RELOAD,
      validator: { kind: "haproxy", otherFiles: [HAPROXY_BACKEND_PATH] },
      validatorLabel: `haproxy -c -f FILE -f ${HAPROXY_BACKEND_PATH}`,
    },
    {
      id: "balancer-backend",
      path: HAPROXY_BACKEND_PATH,
      label: "phleet-backend.cfg",
      tree: ["etc", "haproxy"],
      language: "plain",
      description: "The app servers in rotation; managed by Phleet (changed at run time on scaling and restarts)",
      readOnly: true,
      reload: "graceful",
      ...HAPROXY_RELOAD,
      validator: null,
      validatorLabel: null,
    },
  ],
};
