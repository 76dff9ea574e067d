import crypto from "node:crypto";

/** Reading and checking PEM certificates and keys (node's own X.509 parser; no I/O). */

export interface CertInfo {
  subject: string;
  issuer: string;
  names: string[];
  notBefore: Date;
  notAfter: Date;
  serial: string;
  fingerprint: string;
}

/** One refused upload: `field` says which input was wrong, the message what to do about it. */
export class CertificateProblem extends Error {
  constructor(
    readonly field: "certificate" | "key",
    message: string,
  ) {
    super(message);
    this.name = "CertificateProblem";
  }
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function splitChain(pem: string): crypto.X509Certificate[] {
  const blocks = pem.match(CERT_BLOCK) ?? [];
  if (!blocks.length) throw new CertificateProblem("certificate", "No PEM certificate found (expected -----BEGIN CERTIFICATE----- blocks)");
  return blocks.map((b, i) => {
    try {
      return new crypto.X509Certificate(b);
    } catch {
      throw new CertificateProblem("certificate", `Certificate ${i + 1} of the chain is not a valid X.509 certificate`);
    }
  });
}

const oneLine = (dn: string) => dn.split("\n").filter(Boolean).join(", ");

function namesOf(cert: crypto.X509Certificate): string[] {
  const san = cert.subjectAltName;
  if (san) {
    return san
      .split(", ")
      .filter((p) => p.startsWith("DNS:") || p.startsWith("IP Address:"))
      .map((p) => p.slice(p.indexOf(":") + 1));
  }
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject);
  return cn?.[1] ? [cn[1]] : [];
}

export function certInfo(pem: string): CertInfo {
  const leaf = splitChain(pem)[0]!;
  return {
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    names: namesOf(leaf),
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
    serial: leaf.serialNumber,
    fingerprint: leaf.fingerprint256,
  };
}

/**
 * An uploaded chain and key, checked before use: every block parses, the key matches the leaf, each
 * certificate is issued by the next one, all are valid now, and the leaf covers every domain.
 * Returns the chain normalised (blocks only, leaf first) and its facts; throws CertificateProblem.
 */
export function checkUpload(certPem: string, keyPem: string, domains: string[], now = new Date()): { chain: string; key: string; info: CertInfo } {
  const chain = splitChain(certPem);
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: keyPem, format: "pem" });
  } catch {
    throw new CertificateProblem("key", "The key is not an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)");
  }
  const leaf = chain[0]!;
  if (!leaf.checkPrivateKey(key)) throw new CertificateProblem("key", "The key does not match the certificate (the first certificate of the chain)");
  for (let i = 0; i + 1 < chain.length; i++) {
    const [c, next] = [chain[i]!, chain[i + 1]!];
    if (!c.checkIssued(next) || !c.verify(next.publicKey)) {
      throw new CertificateProblem(
        "certificate",
        `Certificate ${i + 1} of the chain (${oneLine(c.subject)}) is not issued by certificate ${i + 2} (${oneLine(next.subject)}): put the site's certificate first, then each issuer in order`,
      );
    }
  }
  chain.forEach((c, i) => {
    const what = i === 0 ? "The certificate" : `Certificate ${i + 1} of the chain (${oneLine(c.subject)})`;
    if (now < new Date(c.validFrom)) throw new CertificateProblem("certificate", `${what} is not valid yet (valid from ${new Date(c.validFrom).toISOString()})`);
    if (now > new Date(c.validTo)) throw new CertificateProblem("certificate", `${what} expired on ${new Date(c.validTo).toISOString()}`);
  });
  const uncovered = domains.filter((d) => leaf.checkHost(d, { subject: "default" }) === undefined);
  if (uncovered.length) {
    throw new CertificateProblem("certificate", `The certificate does not cover ${uncovered.join(", ")} (it is for ${namesOf(leaf).join(", ") || "no name"})`);
  }
  const pemText = chain.map((c) => c.toString().trim()).join("\n") + "\n";
  return { chain: pemText, key: key.export({ type: "pkcs8", format: "pem" }).toString(), info: certInfo(pemText) };
}
