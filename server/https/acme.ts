import fs from "node:fs";
import https from "node:https";
import * as acme from "acme-client";
import { db } from "../db/client";
import type { ContainerRuntime } from "../runtime/types";
import { ACME_CHALLENGE_DIR } from "./render";
import { open, seal } from "../secrets/box";

/**
 * ACME (RFC 8555) through acme-client, HTTP-01 answered by the balancer itself: the key authorization is
 * written into the balancer, which serves /.well-known/acme-challenge/ from ACME_ROOT on port 80.
 */

const LETS_ENCRYPT = acme.directory.letsencrypt.production;
const ACCOUNT_KEY = "acme.accountKey";

function acmeDirectory(): string {
  return process.env.PHLEET_ACME_DIRECTORY_URL || LETS_ENCRYPT;
}

let agentFor: string | undefined;
/** PHLEET_ACME_CA_FILE: the CA bundle trusted to reach the directory (a local test CA); the system's otherwise. */
function configureTrust(): void {
  const file = process.env.PHLEET_ACME_CA_FILE ?? "";
  if (agentFor === file) return;
  acme.axios.defaults.httpsAgent = file ? new https.Agent({ ca: fs.readFileSync(file, "utf8"), keepAlive: false }) : undefined;
  agentFor = file;
}

/** One account key per installation, sealed like every other key; made on first use. */
async function accountKey(): Promise<string> {
  const row = await db().setting.findUnique({ where: { key: ACCOUNT_KEY } });
  if (row) return open(row.value);
  const key = (await acme.crypto.createPrivateEcdsaKey("P-256")).toString();
  await db().setting.upsert({ where: { key: ACCOUNT_KEY }, create: { key: ACCOUNT_KEY, value: seal(key) }, update: {} });
  return open((await db().setting.findUniqueOrThrow({ where: { key: ACCOUNT_KEY } })).value);
}

export interface Issued {
  certPem: string;
  key: string;
}

/** Orders a certificate for `domains`; throws with the CA's own message when the CA refuses or validation fails. */
/** `balancerIds`: every balancer's container (with two, DNS points at both: the CA may ask either). */
export async function issueWithAcme(rt: ContainerRuntime, balancerIds: string[], domains: string[], progress: (m: string) => void): Promise<Issued> {
  if (!domains.length) throw new Error("Add at least one domain before asking for an ACME certificate");
  configureTrust();
  // The account's URL is kept per directory: with it acme-client skips registration, whose "account exists"
  // path sends an empty update that strict CAs (pebble, RFC 8555 7.3.2) refuse.
  const urlKey = `acme.accountUrl:${acmeDirectory()}`;
  const known = (await db().setting.findUnique({ where: { key: urlKey } }))?.value;
  const client = new acme.Client({ directoryUrl: acmeDirectory(), accountKey: await accountKey(), ...(known ? { accountUrl: known } : {}) });
  const [key, csr] = await acme.crypto.createCsr({ commonName: domains[0], altNames: domains }, await acme.crypto.createPrivateEcdsaKey("P-256"));
  progress(`ordering a certificate for ${domains.join(", ")} from ${new URL(acmeDirectory()).host}`);
  const order = () => client.auto({
    csr,
    termsOfServiceAgreed: true,
    challengePriority: ["http-01"],
    // The CA checks the balancer; a self-check from here would need the domain to resolve to us.
    skipChallengeVerification: true,
    challengeCreateFn: async (authz, challenge, keyAuthorization) => {
      await Promise.all(balancerIds.map((id) => rt.writeFiles(id, [{ path: `${ACME_CHALLENGE_DIR}/${challenge.token}`, content: keyAuthorization }])));
      progress(`answering HTTP-01 for ${authz.identifier.value}`);
    },
    challengeRemoveFn: async (_authz, challenge) => {
      await Promise.all(balancerIds.map((id) => rt.exec(id, ["rm", "-f", `${ACME_CHALLENGE_DIR}/${challenge.token}`], { timeoutMs: 10_000 })));
    },
  });
  let certPem: string;
  try {
    certPem = await order();
  } catch (err) {
    // A CA that forgot the account (a test CA restarted, an account deactivated): register again, once.
    if (!known || !/account/i.test((err as Error).message)) throw err;
    await db().setting.delete({ where: { key: urlKey } }).catch(() => undefined);
    return issueWithAcme(rt, balancerIds, domains, progress);
  }
  const url = client.getAccountUrl();
  if (url !== known) await db().setting.upsert({ where: { key: urlKey }, create: { key: urlKey, value: url }, update: { value: url } });
  return { certPem, key: key.toString() };
}
