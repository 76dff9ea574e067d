import { phpOf } from "../node-kinds";
import { NGINX_RELOAD } from "../node-kinds/nginx-lb";
import { reloadAndWait } from "../nodes/reload";
import { db } from "../db/client";
import { log } from "../log";
import { RuntimeError } from "../runtime/errors";
import type { ContainerRuntime, FileSpec } from "../runtime/types";
import {
  FORWARDED_PHP,
  FORWARDED_PHP_PATH,
  httpsIniPath,
  renderHttpExtras,
  renderHttpsIni,
  renderHttpsServer,
  renderRedirect,
  TLS_CERT_PATH,
  TLS_HTTP_CONF,
  TLS_KEY_PATH,
  TLS_REDIRECT_CONF,
  TLS_SERVER_CONF,
} from "./render";
import { open } from "../secrets/box";
import { domainsOf, ensureTls } from "./state";

/** Writing the HTTPS files into the balancer and the app servers, checked and reloaded. */

export interface Material {
  certPem: string;
  key: string;
}

interface EnvLike {
  id: string;
  name: string;
  httpsPort: number | null;
}

/** The balancer's HTTPS files; the key is decrypted only here, on its way into the container. */
export async function balancerTlsFiles(env: EnvLike, override?: Partial<Material> & { domains?: string[]; forceHttps?: boolean; hsts?: boolean }): Promise<FileSpec[]> {
  if (!env.httpsPort) return []; // created before HTTPS existed: its balancer does not publish 443
  const tls = await ensureTls(env);
  const opts = {
    domains: override?.domains ?? (await domainsOf(env.id)),
    forceHttps: override?.forceHttps ?? tls.forceHttps,
    hsts: override?.hsts ?? tls.hsts,
    httpsPort: env.httpsPort,
  };
  return [
    { path: TLS_CERT_PATH, content: override?.certPem ?? tls.certPem, mode: 0o644 },
    { path: TLS_KEY_PATH, content: override?.key ?? open(tls.keyEnc), mode: 0o600 },
    { path: TLS_SERVER_CONF, content: renderHttpsServer(opts) },
    { path: TLS_HTTP_CONF, content: renderHttpExtras(opts) },
    { path: TLS_REDIRECT_CONF, content: renderRedirect(opts) },
  ];
}

/** The app server's HTTPS ini and the PHP file it prepends (new nodes get them at creation). */
export async function appTlsFiles(env: EnvLike, appType: string, forceHttps?: boolean): Promise<FileSpec[]> {
  if (!env.httpsPort) return [];
  const force = forceHttps ?? (await db().environmentTls.findUnique({ where: { environmentId: env.id } }))?.forceHttps ?? false;
  return [
    { path: FORWARDED_PHP_PATH, content: FORWARDED_PHP },
    { path: httpsIniPath(appType), content: renderHttpsIni(force) },
  ];
}

async function balancersOf(envId: string) {
  const env = await db().environment.findUnique({ where: { id: envId }, include: { nodes: true } });
  const balancers = env?.nodes.filter((n) => n.role === "balancer").sort((a, b) => a.ordinal - b.ordinal) ?? [];
  if (!env || !balancers.length || balancers.some((b) => !b.containerId)) throw new RuntimeError("the environment has a balancer without a container", "not_found");
  return { env, containerIds: balancers.map((b) => b.containerId!) };
}

/**
 * Writes the HTTPS files into every balancer, one after the other, checks them with `nginx -t` and reloads; when
 * one refuses them (or does not reload), every balancer written so far, that one included, gets its previous files
 * back and is reloaded, so they keep serving the same certificate as before.
 */
export async function applyToBalancer(rt: ContainerRuntime, envId: string, override?: Parameters<typeof balancerTlsFiles>[1]): Promise<void> {
  const { env, containerIds: all } = await balancersOf(envId);
  const files = await balancerTlsFiles(env, override);
  if (!files.length) return;
  // Of two, one that does not run gets the files when it starts (they are rendered from the database then).
  const up = all.length > 1 ? await Promise.all(all.map(async (id) => !!(await rt.inspectContainer(id).catch(() => null))?.running)) : [true];
  const containerIds = up.some(Boolean) ? all.filter((_, i) => up[i]) : all;
  const written: { containerId: string; previous: FileSpec[] }[] = [];
  try {
    for (const containerId of containerIds) {
      const previous = await Promise.all(files.map(async (f) => ({ ...f, content: await rt.readFile(containerId, f.path) })));
      written.push({ containerId, previous: previous.filter((p): p is FileSpec => p.content !== null) });
      await applyTo(rt, containerId, files);
    }
  } catch (err) {
    for (const w of written) {
      if (!w.previous.length) continue;
      await rt
        .writeFiles(w.containerId, w.previous)
        .then(() => reloadAndWait(rt, w.containerId, NGINX_RELOAD))
        .catch((rollbackErr: unknown) => log.error({ err: rollbackErr, containerId: w.containerId }, "a balancer could not get its previous HTTPS files back"));
    }
    throw err;
  }
}

/** Writes, checks and reloads one balancer. */
async function applyTo(rt: ContainerRuntime, containerId: string, files: FileSpec[]): Promise<void> {
  await rt.writeFiles(containerId, files);
  const check = await rt.exec(containerId, ["nginx", "-t", "-q"], { timeoutMs: 10_000 });
  if (check.exitCode !== 0) throw new RuntimeError(`the balancer refused the HTTPS configuration: ${check.stderr.trim()}`, "failed");
  // Waits until every old worker is gone: "installed" means every new connection gets the new certificate.
  const reload = await reloadAndWait(rt, containerId, NGINX_RELOAD);
  if (reload.exitCode !== 0) throw new RuntimeError(`nginx reload failed: ${reload.stderr.trim()}`, "failed");
}

/** Rewrites the HTTPS ini on every app server and reloads PHP gracefully where it changed. */
export async function applyToApps(rt: ContainerRuntime, envId: string, forceHttps: boolean): Promise<void> {
  const env = await db().environment.findUnique({ where: { id: envId }, include: { nodes: true } });
  if (!env) throw new RuntimeError(`environment ${envId} is gone`, "not_found");
  const apps = env.nodes.filter((n) => n.role === "app" && n.containerId);
  await Promise.all(
    apps.map(async (app) => {
      const files = await appTlsFiles(env, app.type, forceHttps);
      const ini = files.find((f) => f.path === httpsIniPath(app.type));
      if (!ini || (await rt.readFile(app.containerId!, ini.path)) === ini.content) return;
      await rt.writeFiles(app.containerId!, files);
      const r = await reloadAndWait(rt, app.containerId!, phpOf(app.type).reload);
      if (r.exitCode !== 0) throw new RuntimeError(`PHP on ${app.hostname} did not reload: ${r.stderr.trim()}`, "failed");
      log.debug({ node: app.hostname, forceHttps }, "app server reloaded with the new HTTPS settings");
    }),
  );
}
