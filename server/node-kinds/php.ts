import type { CatalogEntry, Reload } from "./types";

/** What the two app server kinds share: PHP's ini files, its health probe, the session ini's place. */

export const PHP_HEALTH_PROBE = ["php", "-r", 'exit(@file_get_contents("http://127.0.0.1/health.php") === "ok" ? 0 : 1);'];

const PHP_INI_LABEL = "php -n -r 'parse_ini_file(FILE)' (exit code checked)";

export const sessionIniPathOf = (sapi: "apache2" | "fpm") => `/etc/php/8.2/${sapi}/conf.d/90-phleet-session.ini`;

export function phpIniEntry(sapi: "apache2" | "fpm", reload: Reload): CatalogEntry {
  return {
    id: "php-ini",
    path: `/etc/php/8.2/${sapi}/php.ini`,
    label: "php.ini",
    tree: ["etc", "php"],
    language: "ini",
    description: `PHP settings of the ${sapi === "apache2" ? "Apache module (mod_php)" : "PHP-FPM"} SAPI`,
    readOnly: false,
    reload: "graceful",
    ...reload,
    validator: { kind: "php-ini" },
    validatorLabel: PHP_INI_LABEL,
  };
}

export function sessionIniEntry(sapi: "apache2" | "fpm", reload: Reload): CatalogEntry {
  return {
    id: "session-ini",
    path: sessionIniPathOf(sapi),
    label: "90-phleet-session.ini",
    tree: ["etc", "php", "conf.d"],
    language: "ini",
    description: "Where sessions are kept (written by Phleet from the session store layer)",
    readOnly: false,
    reload: "graceful",
    ...reload,
    validator: { kind: "php-ini" },
    validatorLabel: PHP_INI_LABEL,
  };
}
