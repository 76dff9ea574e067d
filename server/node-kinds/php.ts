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

/** The layer's list of switchable PHP extensions (images/<app kind>/php-extensions.ini), linked into the SAPI's and the CLI's conf.d. */
const PHP_EXTENSIONS_PATH = "/etc/php/8.2/phleet/extensions.ini";

export function phpExtensionsEntry(reload: Reload): CatalogEntry {
  return {
    id: "php-extensions",
    path: PHP_EXTENSIONS_PATH,
    label: "extensions.ini",
    tree: ["etc", "php", "phleet"],
    language: "ini",
    description: "PHP extensions turned on for this layer: put ';' in front of a line to turn one off",
    readOnly: false,
    reload: "graceful",
    ...reload,
    validator: { kind: "php-extensions" },
    validatorLabel: "php -m with this list in place of the live one (no startup warning)",
  };
}
