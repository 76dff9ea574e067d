import { COUNTERS_PREFIX } from "./balancer-counters";

/**
 * For unit tests: the balancer's own counting (images/nginx-lb/phleet-stats.lua) in TypeScript. request()
 * counts one request as M.log does; line() is the stderr line M.emit writes, byte for byte in its format.
 */

/** The Lua file's histogram bounds (ms). */
const LUA_BOUNDS = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000];

interface Address {
  t: number;
  c: [number, number, number, number];
  f: number;
  h: number[];
}

export interface FakeRequest {
  /** Every upstream address tried, in order (nginx's $upstream_addr); the last one answered. */
  upstreams: string[];
  status?: number;
  /** Upstream time of the answering attempt; null for nginx's "-". */
  upstreamMs?: number | null;
  bytes?: number;
}

export class FakeBalancerCounters {
  private failovers = 0;
  private bytes = 0;
  /** In the order addresses were first counted, as the shared dict's keys come out. */
  private readonly addresses = new Map<string, Address>();

  constructor(private gen = "1700000000000-42") {}

  private address(addr: string): Address {
    let a = this.addresses.get(addr);
    if (!a) this.addresses.set(addr, (a = { t: 0, c: [0, 0, 0, 0], f: 0, h: new Array<number>(LUA_BOUNDS.length + 1).fill(0) }));
    return a;
  }

  request({ upstreams, status = 200, upstreamMs = 5, bytes = 10 }: FakeRequest): this {
    for (const addr of upstreams.slice(0, -1)) this.address(addr).f++;
    if (upstreams.length > 1) this.failovers++;
    const a = this.address(upstreams[upstreams.length - 1] ?? "-");
    a.t++;
    const cls = Math.floor(status / 100);
    if (cls >= 2 && cls <= 5) a.c[cls - 2]!++;
    if (upstreamMs !== null) {
      const i = LUA_BOUNDS.findIndex((b) => upstreamMs <= b);
      a.h[i < 0 ? LUA_BOUNDS.length : i]!++;
    }
    this.bytes += bytes;
    return this;
  }

  /** The balancer started afresh (not a reload): a new generation, counters from zero. */
  restart(gen: string): void {
    this.gen = gen;
    this.failovers = 0;
    this.bytes = 0;
    this.addresses.clear();
  }

  /** The stderr line, written at `tsSec` (unix seconds). */
  line(tsSec: number): string {
    const parts = [...this.addresses].map(([addr, a]) => `${JSON.stringify(addr)}:{"t":${a.t},"c":[${a.c.join(",")}],"f":${a.f},"h":[${a.h.join(",")}]}`);
    return `${COUNTERS_PREFIX}{"gen":${JSON.stringify(this.gen)},"ts":${tsSec.toFixed(3)},"fo":${this.failovers},"bytes":${this.bytes},"bounds":[${LUA_BOUNDS.join(",")}],"a":{${parts.join(",")}}}`;
  }
}
