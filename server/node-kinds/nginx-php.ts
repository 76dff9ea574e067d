import { NGINX_RELOAD } from "./nginx-lb";
import { PHP_HEALTH_PROBE, phpExtensionsEntry, phpIniEntry, sessionIniEntry, sessionIniPathOf } from "./php";
import type { NodeKind, Reload } from "./types";

/** App server: NGINX in front of PHP-FPM in one container (tini-supervised), images/nginx-php. */

// php-fpm reloads its workers and its php.ini on SIGUSR2 to the master (pid file from php-fpm.conf).
const FPM_RELOAD: Reload = { reloadCmd: ["sh", "-c", 'kill -USR2 "$(cat /run/php/php8.2-fpm.pid)"'], reloadProcess: "php-fpm8.2" };

export const nginxPhp: NodeKind = {
  type: "nginx-php",
  role: "app",
  image: "nginx-php",
  port: 80,
  restartPolicy: "unless-stopped",
  limits: { memoryMb: 512, cpus: 1, pids: 512 },
  healthProbe: PHP_HEALTH_PROBE,
  php: { reload: FPM_RELOAD, sessionIniPath: sessionIniPathOf("fpm") },
  files: [
    phpIniEntry("fpm", FPM_RELOAD),
    sessionIniEntry("fpm", FPM_RELOAD),
    phpExtensionsEntry(FPM_RELOAD),
    {
      id: "fpm-pool",
      path: "/etc/php/8.2/fpm/pool.d/www.conf",
      label: "www.conf",
      tree: ["etc", "php", "pool.d"],
      language: "ini",
      description: "The PHP-FPM pool: workers, limits, socket",
      readOnly: false,
      reload: "graceful",
      ...FPM_RELOAD,
      validator: { kind: "fpm-pool", mainConf: "/etc/php/8.2/fpm/php-fpm.conf", includeLine: /^[ \t]*include[ \t]*=[ \t]*\/etc\/php\/8\.2\/fpm\/pool\.d\/\*\.conf[ \t]*$/m },
      validatorLabel: "php-fpm8.2 -t",
    },
    {
      id: "nginx-site",
      path: "/etc/nginx/sites-available/default",
      label: "default",
      tree: ["etc", "nginx", "sites-available"],
      language: "nginx",
      description: "The NGINX server block in front of PHP-FPM",
      readOnly: false,
      reload: "graceful",
      ...NGINX_RELOAD,
      validator: { kind: "nginx-site", mainConf: "/etc/nginx/nginx.conf", includeLine: /^[ \t]*include[ \t]+\/etc\/nginx\/sites-enabled\/\*;[ \t]*$/m },
      validatorLabel: "nginx -t",
    },
  ],
};
