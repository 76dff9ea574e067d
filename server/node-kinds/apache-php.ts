import { PHP_HEALTH_PROBE, phpExtensionsEntry, phpIniEntry, sessionIniEntry, sessionIniPathOf } from "./php";
import type { NodeKind, Reload } from "./types";

/** App server: Apache with mod_php (prefork), images/apache-php. */

const APACHE_GRACEFUL: Reload = { reloadCmd: ["apache2ctl", "graceful"], reloadProcess: "apache2" };

export const apachePhp: NodeKind = {
  type: "apache-php",
  role: "app",
  image: "apache-php",
  port: 80,
  restartPolicy: "unless-stopped",
  limits: { memoryMb: 512, cpus: 1, pids: 512 },
  healthProbe: PHP_HEALTH_PROBE,
  php: { reload: APACHE_GRACEFUL, sessionIniPath: sessionIniPathOf("apache2") },
  files: [
    phpIniEntry("apache2", APACHE_GRACEFUL),
    sessionIniEntry("apache2", APACHE_GRACEFUL),
    phpExtensionsEntry(APACHE_GRACEFUL),
    {
      id: "apache-site",
      path: "/etc/apache2/sites-available/000-default.conf",
      label: "000-default.conf",
      tree: ["etc", "apache2", "sites-available"],
      language: "apache",
      description: "The Apache virtual host serving the application",
      readOnly: false,
      reload: "graceful",
      ...APACHE_GRACEFUL,
      validator: { kind: "apache-site", mainConf: "/etc/apache2/apache2.conf", includeLine: /^[ \t]*IncludeOptional[ \t]+sites-enabled\/\*\.conf[ \t]*$/m },
      validatorLabel: "apache2ctl -t",
    },
  ],
};
