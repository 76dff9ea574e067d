/** Where releases live on an app server (images/_shared/phleet/layout.sh makes the same layout). */
export const RELEASES_DIR = "/var/www/releases";
export const CURRENT_LINK = "/var/www/current";
export const APP_ENV_FILE = "/etc/phleet/app-env.php";
/** The folder name of the demo app baked into the images: every new environment's first release. */
export const DEMO_DIR = "demo";

export const releaseDirOf = (d: { id: string; source: string }) => (JSON.parse(d.source) as { type: string }).type === "demo" ? DEMO_DIR : d.id;

export const servedPath = (dir: string, docroot: string) => `${RELEASES_DIR}/${dir}${docroot ? `/${docroot}` : ""}`;

/** The variables as the PHP file the images' prepend.php loads (single-quoted strings: only \\ and ' escape). */
export function renderAppEnv(vars: { name: string; value: string }[]): string {
  const q = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const lines = vars.map((v) => `    ${q(v.name)} => ${q(v.value)},`);
  return `<?php\n// Written by Phleet: the app layer's variables. Do not edit; change them in Phleet.\nreturn [\n${lines.join("\n")}${lines.length ? "\n" : ""}];\n`;
}
