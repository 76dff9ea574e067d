import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";

it("seals keys with AES-GCM under a secret made on first use (file 0600), and refuses tampered values", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-box-"));
  process.env.PHLEET_SECRET_FILE = path.join(dir, "secret.key");
  const { open, seal } = await import("./box");
  const key = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n";
  const sealed = seal(key);
  expect(sealed).not.toContain("PRIVATE KEY");
  expect(seal(key)).not.toBe(sealed); // a fresh IV each time
  expect(open(sealed)).toBe(key);
  expect(fs.statSync(process.env.PHLEET_SECRET_FILE).mode & 0o777).toBe(0o600);
  const parts = sealed.split(":");
  parts[3] = Buffer.from("tampered").toString("base64");
  expect(() => open(parts.join(":"))).toThrow();
  // Stored secrets: sealed ones open, plain ones from before sealing read as they are.
  const { openStored } = await import("./box");
  expect(openStored(seal("pw123"))).toBe("pw123");
  expect(openStored("plain-old-password")).toBe("plain-old-password");
  expect(openStored("v1:not:really:sealed")).toBe("v1:not:really:sealed");
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env.PHLEET_SECRET_FILE;
});
