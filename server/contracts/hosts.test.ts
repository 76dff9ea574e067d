import { describe, expect, test } from "vitest";
import { HostLabelsInput } from "./hosts";

describe("HostLabelsInput", () => {
  test("takes Docker-style keys and says which key is wrong", () => {
    expect(HostLabelsInput.parse({ labels: { zone: "eu-1a", "com.example/rack": "r2" } }).labels).toEqual({ zone: "eu-1a", "com.example/rack": "r2" });
    const r = HostLabelsInput.safeParse({ labels: { zone: "a", "-bad key": "x" } });
    expect(r.success).toBe(false);
    expect(r.error!.issues).toEqual([expect.objectContaining({ path: ["labels", "-bad key"], message: expect.stringContaining("'-bad key': a label key") })]);
  });

  test("bounds the number of labels and a value's size", () => {
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, "v"]));
    expect(HostLabelsInput.safeParse({ labels: many }).error!.issues[0]!.message).toBe("At most 32 labels per host");
    expect(HostLabelsInput.safeParse({ labels: { k: "v".repeat(257) } }).error!.issues[0]!.message).toContain("at most 256");
  });
});
