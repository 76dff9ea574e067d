import { db } from "../db/client";
import { log } from "../log";
import { makeSelfSigned } from "./self-signed";
import { certInfo } from "./pem";
import { seal } from "../secrets/box";

/** The environment's TLS row and domains as the rest of server/https reads them. */

export type TlsRow = NonNullable<Awaited<ReturnType<typeof loadTls>>>;

export function loadTls(envId: string) {
  return db().environmentTls.findUnique({ where: { environmentId: envId } });
}

export async function domainsOf(envId: string): Promise<string[]> {
  const rows = await db().domain.findMany({ where: { environmentId: envId }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => r.name);
}

/** The self-signed fallback, made once per environment (and again when its domains change). */
export async function selfSignedMaterial(envName: string, domains: string[]) {
  const made = await makeSelfSigned(envName, domains);
  return { certPem: made.cert, key: made.key, notAfter: certInfo(made.cert).notAfter };
}

/** The TLS row of an environment with HTTPS, created with a self-signed certificate the first time. */
export async function ensureTls(env: { id: string; name: string }): Promise<TlsRow> {
  const existing = await loadTls(env.id);
  if (existing) return existing;
  const m = await selfSignedMaterial(env.name, await domainsOf(env.id));
  log.info({ envId: env.id }, "self-signed certificate made for the environment");
  return db().environmentTls.upsert({
    where: { environmentId: env.id },
    create: { environmentId: env.id, source: "self-signed", certPem: m.certPem, keyEnc: seal(m.key), notAfter: m.notAfter },
    update: {},
  });
}
