import { describe, expect, it } from "vitest";
import { CertificateProblem, certInfo, checkUpload } from "./pem";
import { makeCertificate } from "./self-signed";

/** The upload checks with real certificates made here: a CA, its leaf, and each way an upload goes wrong. */

const DAY = 86_400_000;
async function fixture() {
  const ca = await makeCertificate({ names: [], commonName: "Phleet Test CA", isCa: true });
  const leaf = await makeCertificate({ names: ["www.example.test", "example.test"], issuer: ca });
  return { ca, leaf };
}

const problem = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CertificateProblem);
    return err as CertificateProblem;
  }
  throw new Error("no problem reported");
};

describe("checkUpload", () => {
  it("accepts a leaf + CA chain with its key and reports its facts", async () => {
    const { ca, leaf } = await fixture();
    const ok = checkUpload(leaf.cert + ca.cert, leaf.key, ["www.example.test"]);
    expect(ok.info.names).toEqual(["www.example.test", "example.test"]);
    expect(ok.info.issuer).toContain("Phleet Test CA");
    expect(ok.chain.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(certInfo(ok.chain).serial).toBe(ok.info.serial);
  });

  it("refuses garbage, a key that does not match, a reversed chain, names not covered", async () => {
    const { ca, leaf } = await fixture();
    const other = await makeCertificate({ names: ["www.example.test"] });
    expect(problem(() => checkUpload("hello", leaf.key, [])).message).toMatch(/No PEM certificate/);
    expect(problem(() => checkUpload("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", leaf.key, [])).message).toMatch(/not a valid X.509/);
    expect(problem(() => checkUpload(leaf.cert, "not a key", [])).field).toBe("key");
    expect(problem(() => checkUpload(leaf.cert, other.key, [])).message).toMatch(/does not match/);
    expect(problem(() => checkUpload(ca.cert + leaf.cert, leaf.key, [])).message).toMatch(/chain|does not match/);
    expect(problem(() => checkUpload(leaf.cert + ca.cert, leaf.key, ["shop.example.test"])).message).toMatch(/does not cover shop.example.test/);
  });

  it("refuses an expired and a not-yet-valid certificate", async () => {
    const expired = await makeCertificate({ names: ["www.example.test"], notBefore: new Date(Date.now() - 90 * DAY), notAfter: new Date(Date.now() - DAY) });
    const future = await makeCertificate({ names: ["www.example.test"], notBefore: new Date(Date.now() + 10 * DAY), notAfter: new Date(Date.now() + 100 * DAY) });
    expect(problem(() => checkUpload(expired.cert, expired.key, [])).message).toMatch(/expired on/);
    expect(problem(() => checkUpload(future.cert, future.key, [])).message).toMatch(/not valid yet/);
  });

  it("covers names through a wildcard certificate", async () => {
    const wild = await makeCertificate({ names: ["*.example.test"] });
    expect(checkUpload(wild.cert, wild.key, ["shop.example.test"]).info.names).toEqual(["*.example.test"]);
  });
});
