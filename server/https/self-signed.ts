import crypto from "node:crypto";
import * as x509 from "@peculiar/x509";

/** Certificates made here: the self-signed fallback of every environment, and test CAs (ECDSA P-256). */

x509.cryptoProvider.set(crypto.webcrypto as Crypto);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface MadeCert {
  cert: string;
  key: string;
}

const serial = () => crypto.randomBytes(16).toString("hex").replace(/^[89a-f]/, "1");
const exportKey = (k: CryptoKey) => crypto.KeyObject.from(k).export({ type: "pkcs8", format: "pem" }).toString();

export interface MakeOptions {
  names: string[];
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Signs with this CA instead of self-signing. */
  issuer?: { cert: string; key: string };
  isCa?: boolean;
}

export async function makeCertificate(opts: MakeOptions): Promise<MadeCert> {
  const keys = (await crypto.webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + 397 * 86_400_000);
  const cn = (opts.commonName ?? opts.names[0] ?? "phleet").replace(/[,=+<>#;"\\]/g, "");
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(!!opts.isCa, undefined, true),
    new x509.KeyUsagesExtension(opts.isCa ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature, true),
  ];
  if (opts.names.length) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(opts.names.map((n) => (/^[\d.]+$/.test(n) ? { type: "ip" as const, value: n } : { type: "dns" as const, value: n }))),
    );
  }
  if (!opts.isCa) extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
  let cert: x509.X509Certificate;
  if (opts.issuer) {
    const ca = new x509.X509Certificate(opts.issuer.cert);
    const caKey = await crypto.webcrypto.subtle.importKey(
      "pkcs8",
      crypto.createPrivateKey(opts.issuer.key).export({ type: "pkcs8", format: "der" }),
      ALG,
      false,
      ["sign"],
    );
    cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${cn}`,
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingAlgorithm: ALG,
      publicKey: keys.publicKey,
      signingKey: caKey,
      extensions,
    });
  } else {
    cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: serial(), name: `CN=${cn}`, notBefore, notAfter, signingAlgorithm: ALG, keys, extensions });
  }
  return { cert: cert.toString("pem") + "\n", key: exportKey(keys.privateKey) };
}

/** The fallback certificate of an environment, so HTTPS always answers (browsers warn: it is self-signed). */
export function makeSelfSigned(envName: string, domains: string[]): Promise<MadeCert> {
  return makeCertificate({ names: domains.length ? domains : ["localhost"], commonName: domains[0] ?? `${envName}.phleet.invalid` });
}
