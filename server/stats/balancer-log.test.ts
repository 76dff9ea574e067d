import { describe, expect, it } from "vitest";
import { compareLogTimestamps, hostOf, parseBalancerLine, splitUpstreamList, statusClass } from "./balancer-log";

const line = (o: Record<string, unknown>) =>
  JSON.stringify({ ts: 1700000000.123, rid: "a".repeat(32), method: "GET", uri: "/counter.php", status: 200, rt: 0.004, ua: "10.213.4.21:80", us: "200", urt: "0.003", bytes: 77, ...o });

describe("parseBalancerLine", () => {
  it("reads one request", () => {
    const r = parseBalancerLine(line({}))!;
    expect(r).toMatchObject({ ts: 1700000000123, status: 200, upstreams: ["10.213.4.21:80"], upstreamMs: 3, upstreamTotalMs: 3, bytes: 77, uri: "/counter.php" });
    expect(r.requestMs).toBeCloseTo(4);
  });

  it("reads a failover: every address tried, the last one answered", () => {
    const r = parseBalancerLine(line({ ua: "10.213.4.22:80, 10.213.4.21:80", us: "502, 200", urt: "0.001, 0.010" }))!;
    expect(r.upstreams).toEqual(["10.213.4.22:80", "10.213.4.21:80"]);
    expect(r.upstreamStatuses).toEqual(["502", "200"]);
    expect(r.upstreamMs).toBe(10);
    expect(r.upstreamTotalMs).toBe(11);
  });

  it("handles no upstream and a dash time", () => {
    const r = parseBalancerLine(line({ ua: "", us: "", urt: "" }))!;
    expect(r.upstreams).toEqual([]);
    expect(r.upstreamMs).toBeNull();
    expect(parseBalancerLine(line({ ua: "10.0.0.1:80", urt: "-" }))!.upstreamMs).toBeNull();
  });

  it("ignores nginx's own messages and broken lines", () => {
    expect(parseBalancerLine("2024/01/01 00:00:00 [notice] 1#1: signal process started")).toBeNull();
    expect(parseBalancerLine('{"ts":1,')).toBeNull();
    expect(parseBalancerLine(JSON.stringify({ ts: 1, status: 200 }))).toBeNull();
  });
});

describe("upstream lists", () => {
  it("splits attempts and internal-redirect groups, not the port colon", () => {
    expect(splitUpstreamList("10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80")).toEqual(["10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"]);
    expect(splitUpstreamList("-")).toEqual([]);
    expect(hostOf("10.0.0.1:80")).toBe("10.0.0.1");
    expect(hostOf("phleet_app")).toBe("phleet_app");
  });
  it("classes statuses", () => {
    expect([200, 301, 404, 499, 502, 101].map(statusClass)).toEqual(["2xx", "3xx", "4xx", "4xx", "5xx", null]);
  });
});

describe("compareLogTimestamps", () => {
  it("compares instants, not strings", () => {
    expect(compareLogTimestamps("2024-01-01T00:00:00.1234Z", "2024-01-01T00:00:00.12341Z")).toBe(-1);
    expect(compareLogTimestamps("2024-01-01T00:00:01.000000000Z", "2024-01-01T00:00:00.999999999Z")).toBe(1);
    expect(compareLogTimestamps("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.500000000Z")).toBe(0);
  });
});
