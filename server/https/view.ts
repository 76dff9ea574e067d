import type { Certificate } from "../contracts/https";
import { certInfo, splitChain } from "./pem";
import type { TlsRow } from "./state";

/** The certificate as the API shows it: facts read from the stored chain, never the key. */

const WARN_DAYS = 30;
const DAY = 86_400_000;

const httpsUrlOf = (publishHost: string, httpsPort: number | null) => (httpsPort ? `https://${publishHost}:${httpsPort}` : null);

/** Why an environment cannot have HTTPS, or null when it can. */
export function whyNoHttps(env: { httpsPort: number | null; balancerType: string }): string | null {
  if (env.httpsPort) return null;
  if (env.balancerType === "haproxy") return "The HAProxy balancer does not terminate HTTPS yet: choose the NGINX balancer for domains with HTTPS";
  return "This environment was created before HTTPS existed and publishes no HTTPS port: re-create it to get HTTPS";
}

export function certificateView(
  tls: TlsRow | null,
  env: { httpsPort: number | null; balancerType: string },
  domains: string[],
  publishHost: string,
  now = new Date(),
  taskId: string | null = null,
): Certificate {
  const base: Certificate = {
    available: !!env.httpsPort,
    httpsUrl: httpsUrlOf(publishHost, env.httpsPort),
    source: null,
    subject: null,
    issuer: null,
    names: [],
    notBefore: null,
    notAfter: null,
    serial: null,
    daysLeft: null,
    warning: whyNoHttps(env),
    acme: false,
    renewal: { state: "idle", error: null, attempts: 0, nextAttemptAt: null, lastRenewedAt: null },
    options: { forceHttps: false, hsts: false },
    taskId,
  };
  if (!tls) return base;
  const info = certInfo(tls.certPem);
  const daysLeft = Math.floor((info.notAfter.getTime() - now.getTime()) / DAY);
  const leaf = splitChain(tls.certPem)[0]!;
  const uncovered = tls.source === "self-signed" ? [] : domains.filter((d) => leaf.checkHost(d, { subject: "default" }) === undefined);
  let warning: string | null = null;
  if (daysLeft < 0) warning = `The certificate expired on ${info.notAfter.toISOString().slice(0, 10)}`;
  else if (uncovered.length) warning = `The certificate does not cover ${uncovered.join(", ")}`;
  else if (daysLeft < WARN_DAYS && !(tls.acme && tls.renewalState !== "failed")) warning = `The certificate expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`;
  return {
    ...base,
    source: tls.source as Certificate["source"],
    subject: info.subject,
    issuer: info.issuer,
    names: info.names,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    serial: info.serial,
    daysLeft,
    warning,
    acme: tls.acme,
    renewal: {
      state: tls.renewalState as Certificate["renewal"]["state"],
      error: tls.renewalError,
      attempts: tls.renewalAttempts,
      nextAttemptAt: tls.nextRenewalAt?.toISOString() ?? null,
      lastRenewedAt: tls.lastRenewedAt?.toISOString() ?? null,
    },
    options: { forceHttps: tls.forceHttps, hsts: tls.hsts },
  };
}

/** Back-off after a failed ACME attempt: `base` (5 min by default), then doubling, at most a day. */
export function retryDelayMs(attempts: number, base = 5 * 60_000): number {
  return Math.min(base * 2 ** Math.max(0, attempts - 1), DAY);
}

/** When an ACME certificate is renewed: `renewBeforeDays` before it expires (never in the past of its issue). */
export function renewalDueAt(notAfter: Date, renewBeforeDays: number): Date {
  return new Date(notAfter.getTime() - renewBeforeDays * DAY);
}
