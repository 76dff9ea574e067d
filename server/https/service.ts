import { config } from "../config";
import { acquire, runningOperation, withLock } from "../operations/lock";
import type { Certificate, CertificateInput, Domains, DomainsInput, HttpsOptionsInput } from "../contracts/https";
import { db } from "../db/client";
import { AppError, conflict, notFound } from "../errors";
import { log } from "../log";
import { runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";
import { createTask, runTask } from "../tasks/runner";
import { issueWithAcme } from "./acme";
import { applyToApps, applyToBalancer } from "./apply";
import { CertificateProblem, certInfo, checkUpload } from "./pem";
import { seal } from "../secrets/box";
import { domainsOf, ensureTls, loadTls, selfSignedMaterial } from "./state";
import { certificateView, renewalDueAt, retryDelayMs, whyNoHttps } from "./view";

/** Domains and HTTPS of an environment: the operations behind the API. */

/** The name the environment's lock carries while a certificate is ordered. */
const ACME_ORDER = "ACME certificate order";

async function envOf(id: string) {
  const env = await db().environment.findUnique({ where: { id } });
  if (!env) throw notFound("Environment", id);
  return env;
}

function requireRunning(env: { status: string }) {
  if (env.status !== "running") throw conflict(`The environment is ${env.status}; try again when it is running`);
}

/** Where the first balancer publishes its ports: its host's address on several hosts, PHLEET_PUBLISH_HOST on one engine. */
async function balancerHostOf(rt: ContainerRuntime, envId: string): Promise<string> {
  const first = await db().node.findFirst({ where: { environmentId: envId, role: "balancer" }, orderBy: { ordinal: "asc" } });
  const live = first?.containerId ? await rt.inspectContainer(first.containerId).catch(() => null) : null;
  return live?.hostAddress || config().PHLEET_PUBLISH_HOST;
}

function requireHttps(env: { httpsPort: number | null; balancerType: string }) {
  const why = whyNoHttps(env);
  if (why) throw new AppError("https_unavailable", why, 409);
}

export async function getCertificate(envId: string, taskId: string | null = null, rt: ContainerRuntime = runtime()): Promise<Certificate> {
  const env = await envOf(envId);
  const view = certificateView(env.httpsPort ? await loadTls(envId) : null, env, await domainsOf(envId), await balancerHostOf(rt, envId), new Date(), taskId);
  // The order's task records the new certificate a moment before it lets go of the environment's lock: until
  // it has, the order is still under way (an options change in that moment would be refused with a 409).
  if (runningOperation(envId) === ACME_ORDER && view.renewal.state !== "failed") return { ...view, renewal: { ...view.renewal, state: "issuing" } };
  return view;
}

export async function getDomains(envId: string): Promise<Domains> {
  await envOf(envId);
  return { domains: await domainsOf(envId) };
}

/** Replaces the domain list: checked for use elsewhere, written into the balancer, then recorded. */
export async function putDomains(envId: string, input: DomainsInput, rt: ContainerRuntime = runtime()): Promise<Domains> {
  const env = await envOf(envId);
  const taken = await db().domain.findMany({ where: { name: { in: input.domains }, NOT: { environmentId: envId } }, include: { environment: { select: { name: true } } } });
  if (taken.length) {
    throw conflict(
      `Already used by another environment: ${taken.map((t) => `${t.name} (${t.environment.name})`).join(", ")}`,
      taken.map((t) => ({ path: `domains.${input.domains.indexOf(t.name)}`, message: `${t.name} belongs to environment '${t.environment.name}'` })),
    );
  }
  requireRunning(env);
  const before = await domainsOf(envId);
  const tls = env.httpsPort ? await ensureTls(env) : null;
  // The self-signed fallback follows the names, so a browser's warning at least names the right host.
  const fresh = tls?.source === "self-signed" ? await selfSignedMaterial(env.name, input.domains) : null;
  await withLock(envId, "domains change", async () => {
    await applyToBalancer(rt, envId, { domains: input.domains, ...(fresh ? { certPem: fresh.certPem, key: fresh.key } : {}) });
    try {
      await db().$transaction([
        db().domain.deleteMany({ where: { environmentId: envId } }),
        db().domain.createMany({ data: input.domains.map((name) => ({ name, environmentId: envId })) }),
        ...(fresh ? [db().environmentTls.update({ where: { environmentId: envId }, data: { certPem: fresh.certPem, keyEnc: seal(fresh.key), notAfter: fresh.notAfter } })] : []),
      ]);
    } catch (err) {
      await applyToBalancer(rt, envId, { domains: before }).catch(() => undefined);
      if ((err as { code?: string }).code === "P2002") throw conflict("A domain was taken by another environment meanwhile; try again");
      throw err;
    }
  });
  // New names on an ACME certificate: order one that covers them.
  if (tls?.acme && input.domains.length && input.domains.join() !== before.join()) await startAcme(envId, rt).catch((err) => log.warn({ envId, err }, "ACME order after a domain change not started"));
  return { domains: input.domains };
}

export async function putCertificate(envId: string, input: CertificateInput, rt: ContainerRuntime = runtime()): Promise<{ status: number; body: Certificate }> {
  const env = await envOf(envId);
  requireRunning(env);
  requireHttps(env);
  await ensureTls(env);
  if ("acme" in input) {
    if (!(await domainsOf(envId)).length) {
      throw new AppError("validation_failed", "Add at least one domain (pointing at this balancer) before switching ACME on", 422, [{ path: "acme", message: "no domain" }]);
    }
    const taskId = await startAcme(envId, rt, { enable: true });
    return { status: 202, body: await getCertificate(envId, taskId) };
  }
  let material: { certPem: string; key: string; notAfter: Date; source: "uploaded" | "self-signed" };
  if ("certificate" in input) {
    try {
      const ok = checkUpload(input.certificate, input.key, await domainsOf(envId));
      material = { certPem: ok.chain, key: ok.key, notAfter: ok.info.notAfter, source: "uploaded" };
    } catch (err) {
      if (err instanceof CertificateProblem) throw new AppError("invalid_certificate", err.message, 422, [{ path: err.field, message: err.message }]);
      throw err;
    }
  } else {
    material = { ...(await selfSignedMaterial(env.name, await domainsOf(envId))), source: "self-signed" };
  }
  await withLock(envId, "certificate change", async () => {
    await applyToBalancer(rt, envId, { certPem: material.certPem, key: material.key });
    await db().environmentTls.update({
      where: { environmentId: envId },
      data: { source: material.source, acme: false, certPem: material.certPem, keyEnc: seal(material.key), notAfter: material.notAfter, renewalState: "idle", renewalError: null, renewalAttempts: 0, nextRenewalAt: null },
    });
  });
  log.info({ envId, source: material.source }, "certificate installed on the balancer");
  return { status: 200, body: await getCertificate(envId) };
}

export async function putHttpsOptions(envId: string, input: HttpsOptionsInput, rt: ContainerRuntime = runtime()): Promise<Certificate> {
  const env = await envOf(envId);
  requireRunning(env);
  requireHttps(env);
  const tls = await ensureTls(env);
  const next = { forceHttps: input.forceHttps ?? tls.forceHttps, hsts: input.hsts ?? tls.hsts };
  await withLock(envId, "HTTPS options change", async () => {
    // Apps first: once the balancer redirects, every session cookie PHP sets is already Secure.
    await applyToApps(rt, envId, next.forceHttps);
    await applyToBalancer(rt, envId, next);
    await db().environmentTls.update({ where: { environmentId: envId }, data: next });
  });
  return getCertificate(envId);
}

export async function renewCertificate(envId: string, rt: ContainerRuntime = runtime()): Promise<Certificate> {
  const env = await envOf(envId);
  requireRunning(env);
  requireHttps(env);
  const tls = await loadTls(envId);
  if (!tls?.acme) throw conflict("This environment's certificate is not from ACME; switch ACME on first");
  return getCertificate(envId, await startAcme(envId, rt));
}

const ACME_STEPS = [
  { key: "order", title: "Get a certificate from the ACME CA (HTTP-01 answered by the balancer)" },
  { key: "install", title: "Install it on the balancer" },
];

/**
 * Orders and installs an ACME certificate as a recorded task, holding the environment's lock. A failure
 * leaves the served certificate as it was and records the CA's message and the next attempt (back-off).
 */
export async function startAcme(envId: string, rt: ContainerRuntime = runtime(), opts: { enable?: boolean } = {}): Promise<string> {
  // The lock first: a busy environment answers 409 before anything is recorded.
  const release = acquire(envId, ACME_ORDER);
  try {
    await db().environmentTls.update({ where: { environmentId: envId }, data: { renewalState: "issuing", renewalError: null, ...(opts.enable ? { acme: true } : {}) } });
    const task = await createTask("certificate.acme", envId, ACME_STEPS);
    void runTask(
      task.id,
      async (ctx) => {
        try {
          const env = await db().environment.findUniqueOrThrow({ where: { id: envId }, include: { nodes: true } });
          const balancers = env.nodes.filter((n) => n.role === "balancer").map((n) => n.containerId);
          if (!balancers.length || !balancers.every(Boolean)) throw new Error("the environment has a balancer without a container");
          const domains = await domainsOf(envId);
          const issued = await ctx.step("order", (progress) => issueWithAcme(rt, balancers as string[], domains, progress));
          await ctx.step("install", async (progress) => {
            const info = certInfo(issued.certPem);
            await applyToBalancer(rt, envId, issued);
            await db().environmentTls.update({
              where: { environmentId: envId },
              data: {
                source: "acme",
                certPem: issued.certPem,
                keyEnc: seal(issued.key),
                notAfter: info.notAfter,
                renewalState: "idle",
                renewalError: null,
                renewalAttempts: 0,
                lastRenewedAt: new Date(),
                nextRenewalAt: renewalDueAt(info.notAfter, config().PHLEET_ACME_RENEW_BEFORE_DAYS),
              },
            });
            progress(`${info.subject}, issued by ${info.issuer}, valid until ${info.notAfter.toISOString()}`);
          });
        } finally {
          release();
        }
      },
      async (message) => {
        const tls = await loadTls(envId);
        const attempts = (tls?.renewalAttempts ?? 0) + 1;
        await db().environmentTls.update({
          where: { environmentId: envId },
          data: { renewalState: "failed", renewalError: message, renewalAttempts: attempts, nextRenewalAt: new Date(Date.now() + retryDelayMs(attempts, config().PHLEET_ACME_RETRY_MS)) },
        });
      },
    );
    return task.id;
  } catch (err) {
    release();
    throw err;
  }
}
