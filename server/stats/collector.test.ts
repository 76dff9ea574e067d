import { afterEach, describe, expect, it } from "vitest";
import type { ContainerRuntime, FollowLogsOptions, LogLine, ReadLogsOptions } from "../runtime/types";
import { EnvironmentCollector } from "./collector";
import { statsSettings } from "./settings";
import type { CollectorTarget, PersistedState, SampleRow, StatsStore } from "./store";
import { FakeBalancerCounters } from "./test-helpers";

/**
 * The collector against a fake engine whose balancer writes what the real one does: a JSON access-log line
 * per request on stdout and, on stderr, its cumulative counters (images/nginx-lb/phleet-stats.lua) among
 * nginx's own error lines. Stream ends (balancer restarts), resuming, and a control-plane restart.
 */

const target: CollectorTarget = {
  id: "env1",
  status: "running",
  sessionType: "memcached",
  nodes: [
    { id: "lb", role: "balancer", ordinal: 1, hostname: "x-lb", ip: "10.1.1.2", containerId: "c-lb" },
    { id: "a1", role: "app", ordinal: 1, hostname: "x-app-1", ip: "10.1.1.21", containerId: "c-a1" },
    { id: "a2", role: "app", ordinal: 2, hostname: "x-app-2", ip: "10.1.1.22", containerId: "c-a2" },
  ],
};

class FakeEngine {
  /** Gauge polls (each starts with one container listing). */
  polls = 0;
  lines: LogLine[] = [];
  opens: (string | undefined)[] = [];
  /** Streams open now (only counted in "stall" mode, where a stream lasts until aborted). */
  streamsOpen = 0;
  /** Reads in one go (readLogs), by the cursor they started from. */
  reads: (string | undefined)[] = [];
  tails: (number | undefined)[] = [];
  stderrOnly: (boolean | undefined)[] = [];
  readonly balancer = new FakeBalancerCounters();
  /** With appsRunning, the app nodes' containers are listed, each at this CPU. */
  appsRunning = false;
  cpuPercent = 0;
  /** "stall": the stream delivers what is there, then hangs without ending, as a stuck engine follower would. */
  mode: "end" | "stall" = "end";
  private seq = 0;
  /** The engine's `since` is coarse: it also returns the line at the cursor; the collector must drop it. */
  sloppy = true;

  private push(stream: LogLine["stream"], text: string, timestamp?: string) {
    const n = this.seq++;
    const ts = timestamp ?? `2024-05-01T10:00:${String(Math.floor(n / 10)).padStart(2, "0")}.${String(n % 10).padStart(9, "0")}Z`;
    this.lines.push({ stream, timestamp: ts, text });
  }

  /** One request answered by `ip`, then the balancer's counters line that includes it. */
  add(ip: string, opts: { status?: number; timestamp?: string } = {}) {
    const status = opts.status ?? 200;
    this.balancer.request({ upstreams: [`${ip}:80`], status, upstreamMs: 4, bytes: 5 });
    this.push("stdout", JSON.stringify({ ts: Date.now() / 1000, rid: `rid-${this.seq}`, method: "GET", uri: "/", status, rt: 0.01, ua: `${ip}:80`, us: String(status), urt: "0.004", bytes: 5 }));
    this.push("stderr", this.balancer.line(Date.now() / 1000), opts.timestamp);
  }

  /** The same counters written again with nothing new (the Lua timer's last write when nginx stops). */
  repeatCounters() {
    this.push("stderr", this.balancer.line(Date.now() / 1000));
  }

  nginxError() {
    this.push("stderr", "2024/05/01 10:00:09 [error] 9#9: *12 connect() failed (111: Connection refused) while connecting to upstream");
  }

  runtime(): ContainerRuntime {
    const lines = () => this.lines;
    const opens = this.opens;
    const sloppy = () => this.sloppy;
    const tails = this.tails;
    const stderrOnly = this.stderrOnly;
    const mode = () => this.mode;
    const reads = this.reads;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the fake runtime's methods count on the engine
    const engine = this;
    return {
      async inspectContainer(id: string) {
        return { id, running: true } as never;
      },
      async followLogs(_id: string, onLine: (l: LogLine) => void, o: FollowLogsOptions = {}) {
        opens.push(o.after);
        tails.push(o.tail);
        stderrOnly.push(o.stderrOnly);
        const all = lines().filter((l) => !o.stderrOnly || l.stream === "stderr");
        const from = o.after ? all.findIndex((l) => l.timestamp >= o.after!) : 0;
        const start = from < 0 ? all.length : sloppy() ? from : from + 1;
        for (const l of all.slice(start)) onLine(l);
        if (mode() === "stall") {
          engine.streamsOpen++;
          await new Promise((r) => o.signal?.addEventListener("abort", r, { once: true }));
          engine.streamsOpen--;
        }
        // The stream ends, as when the balancer restarts.
      },
      async readLogs(_id: string, o: ReadLogsOptions = {}) {
        reads.push(o.since);
        const all = lines().filter((l) => !o.stderrOnly || l.stream === "stderr");
        const from = o.since ? all.findIndex((l) => l.timestamp >= o.since!) : 0;
        return from < 0 ? [] : all.slice(from);
      },
      listContainers: async () => {
        this.polls++;
        return this.appsRunning ? target.nodes.filter((n) => n.role === "app").map((n) => ({ id: n.containerId, labels: { "phleet.node": n.id }, status: "running", running: true })) : [];
      },
      stats: async () => ({ cpuPercent: this.cpuPercent, memoryBytes: 1000, memoryLimitBytes: 2000 }),
    } as unknown as ContainerRuntime;
  }
}

function memoryStore(): StatsStore & { state: PersistedState | null; saves: number; rows: SampleRow[] } {
  return {
    state: null,
    rows: [],
    saves: 0,
    topologyVersion: () => 0,
    async runningTargets() {
      return [target];
    },
    async target() {
      return target;
    },
    async load() {
      return this.state ? structuredClone(this.state) : null;
    },
    async save(_id: string, s: PersistedState) {
      this.state = structuredClone(s);
      this.saves++;
    },
    async addSamples(_id: string, rows: SampleRow[]) {
      this.rows.push(...rows);
    },
    async samples() {
      return [];
    },
    async prune() {
      return { samples: 0, orphans: 0 };
    },
  };
}

const settings = { ...statsSettings({} as NodeJS.ProcessEnv), flushMs: 50, pollMs: 60_000 };
const until = async (check: () => boolean, ms = 4000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

let running: EnvironmentCollector[] = [];
afterEach(async () => {
  await Promise.all(running.map((c) => c.stop({ flush: false })));
  running = [];
});

describe("EnvironmentCollector", () => {
  it("reopens the log after it ends, resumes after the cursor and counts every request once", async () => {
    const engine = new FakeEngine();
    const store = memoryStore();
    for (let i = 0; i < 6; i++) engine.add(i % 2 ? "10.1.1.21" : "10.1.1.22");
    const c = await EnvironmentCollector.start(target, { rt: engine.runtime(), store, settings });
    running.push(c);
    const total = () => c.snapshot(60).balancer.requests.total;
    await until(() => total() === 6);
    for (let i = 0; i < 4; i++) engine.add("10.1.1.21");
    engine.nginxError();
    engine.repeatCounters(); // the same counts again: nothing more counted
    await until(() => engine.opens.length >= 3 && total() === 10);
    const s = c.snapshot(60);
    expect(s.nodes.map((n) => n.requests.total)).toEqual([7, 3]);
    expect(s.balancer.bytes).toBe(50);
    expect(s.collector.reopened).toBeGreaterThanOrEqual(2);
    // The first read (in one go, at start) is from the start of the log; every stream after the cursor.
    expect(engine.reads[0]).toBeUndefined();
    expect(engine.opens.every((o) => o !== undefined)).toBe(true);
    expect(engine.opens.at(-1)).toBe(engine.lines.at(-1)!.timestamp);
    expect(engine.stderrOnly.every((only) => only === true)).toBe(true);

    // The balancer starts afresh: its counters begin at zero under a new generation, and count on top.
    engine.balancer.restart("1700000999000-7");
    for (let i = 0; i < 2; i++) engine.add("10.1.1.22");
    await until(() => total() === 12);
    expect(c.snapshot(60).nodes.map((n) => n.requests.total)).toEqual([7, 5]);
  });

  it("survives a control-plane restart: totals and cursor come back from the store", async () => {
    const engine = new FakeEngine();
    const store = memoryStore();
    for (let i = 0; i < 5; i++) engine.add("10.1.1.21");
    const first = await EnvironmentCollector.start(target, { rt: engine.runtime(), store, settings });
    await until(() => first.snapshot(60).balancer.requests.total === 5);
    await first.stop({ flush: true });
    expect(store.state!.totals.balancer.requests.total).toBe(5);

    for (let i = 0; i < 3; i++) engine.add("10.1.1.22");
    const second = await EnvironmentCollector.start(target, { rt: engine.runtime(), store, settings });
    running.push(second);
    await until(() => second.snapshot(60).balancer.requests.total >= 8);
    await new Promise((r) => setTimeout(r, 700)); // another reopen: still nothing counted twice
    const s = second.snapshot(60);
    expect(s.balancer.requests.total).toBe(8);
    expect(s.nodes.find((n) => n.id === "a2")!.requests.total).toBe(3);
    await until(() => store.state!.totals.balancer.requests.total === 8);
  });

  it("reopens a stream that stalls silently, from the cursor and from the end of the log, and loses nothing", async () => {
    const engine = new FakeEngine();
    engine.mode = "stall";
    const store = memoryStore();
    for (let i = 0; i < 3; i++) engine.add("10.1.1.21");
    const c = await EnvironmentCollector.start(target, { rt: engine.runtime(), store, settings: { ...settings, silenceReopenMs: 200 } });
    running.push(c);
    const total = () => c.snapshot(60).balancer.requests.total;
    await until(() => total() === 3 && engine.streamsOpen === 1);
    // These lines are written while the follower is stuck: only a reopen shows them.
    for (let i = 0; i < 4; i++) engine.add("10.1.1.22");
    await until(() => total() === 7);
    expect(engine.opens.length).toBeGreaterThanOrEqual(2);
    expect(engine.tails[0]).toBeUndefined();
    expect(engine.tails[1]).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500)); // more silent reopens: still nothing counted twice
    expect(total()).toBe(7);
    expect(c.snapshot(60).nodes.find((n) => n.id === "a2")!.requests.total).toBe(4);
  });

  it("reads the log in one go while nobody looks, follows it only while somebody does, and counts each request once", async () => {
    const engine = new FakeEngine();
    engine.mode = "stall";
    for (let i = 0; i < 3; i++) engine.add("10.1.1.21");
    const c = await EnvironmentCollector.start(target, { rt: engine.runtime(), store: memoryStore(), settings: { ...settings, watchedForMs: 300, unwatchedPollMs: 60_000 } });
    running.push(c);
    await until(() => engine.reads.length === 1); // the round at start
    await new Promise((r) => setTimeout(r, 200));
    expect(engine.opens).toHaveLength(0); // nobody looks: no stream
    for (let i = 0; i < 4; i++) engine.add("10.1.1.22");
    // A read counts what the balancer wrote meanwhile before it answers.
    const first = await c.read(60);
    expect(first.balancer.requests.total).toBe(7);
    expect(first.nodes.map((n) => n.requests.total)).toEqual([3, 4]);
    expect(engine.reads).toHaveLength(2);
    // Somebody looks: the log is followed, after the cursor.
    await until(() => engine.streamsOpen === 1);
    expect(engine.opens).toEqual([engine.lines.at(-1)!.timestamp]);
    engine.add("10.1.1.21"); // a line the open stream will not deliver (stalled): counted by a read in one go later
    // Nobody looks any more: the stream is closed.
    await until(() => engine.streamsOpen === 0, 2000);
    engine.add("10.1.1.22");
    const again = await c.read(60);
    expect(again.balancer.requests.total).toBe(9);
    expect(again.nodes.map((n) => n.requests.total)).toEqual([4, 5]);
  });

  it("counts lines whose engine timestamp steps back within one stream (a clock adjusted backwards)", async () => {
    const engine = new FakeEngine();
    const store = memoryStore();
    engine.add("10.1.1.21", { timestamp: "2024-05-01T10:00:05.000000000Z" });
    engine.add("10.1.1.21", { timestamp: "2024-05-01T10:00:06.000000000Z" });
    engine.add("10.1.1.22", { timestamp: "2024-05-01T10:00:01.000000000Z" });
    engine.add("10.1.1.22", { timestamp: "2024-05-01T10:00:01.500000000Z" });
    engine.mode = "stall";
    const c = await EnvironmentCollector.start(target, { rt: engine.runtime(), store, settings });
    running.push(c);
    await until(() => c.snapshot(60).balancer.requests.total === 4);
    expect(c.snapshot(60).nodes.map((n) => n.requests.total)).toEqual([2, 2]);
  });

  it("polls the gauges slowly while nobody reads the statistics, and at once and fast when somebody does", async () => {
    const engine = new FakeEngine();
    const c = await EnvironmentCollector.start(target, { rt: engine.runtime(), store: memoryStore(), settings: { ...settings, pollMs: 100, unwatchedPollMs: 60_000, watchedForMs: 400 } });
    running.push(c);
    await until(() => engine.polls === 1); // the first poll, at start
    await new Promise((r) => setTimeout(r, 500));
    expect(engine.polls).toBe(1); // nobody looked: no more polls
    c.snapshot(60); // somebody looks: a poll now, then every pollMs while they keep looking
    await until(() => engine.polls === 2, 300);
    const watching = setInterval(() => c.snapshot(60), 100);
    await new Promise((r) => setTimeout(r, 600));
    clearInterval(watching);
    expect(engine.polls).toBeGreaterThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 700)); // they stopped looking: the slow rate again
    const after = engine.polls;
    await new Promise((r) => setTimeout(r, 500));
    expect(engine.polls).toBe(after);
  });

  it("brings the history up to date before it is read, a minute without a gauge reading taking the next reading", async () => {
    const t0 = 1_700_000_040; // a minute boundary
    let nowMs = t0 * 1000 + 500;
    const engine = new FakeEngine();
    engine.appsRunning = true;
    engine.cpuPercent = 10;
    const store = memoryStore();
    const c = await EnvironmentCollector.start(target, { rt: engine.runtime(), store, settings: { ...settings, unwatchedPollMs: 300_000 }, now: () => nowMs });
    running.push(c);
    await until(() => engine.polls === 1); // the round at start: a reading at t0
    nowMs += 210_000; // 3.5 min later, before the next round
    engine.cpuPercent = 30;
    await c.bringHistoryUpToDate();
    // The three minutes that ended (and 5 s more) are written: the first with its own reading, the next two with the
    // reading that followed them (the one just taken); the fourth is still open.
    expect(store.rows.map((r) => r.at.getTime() / 1000)).toEqual([t0, t0 + 60, t0 + 120]);
    expect(store.rows.map((r) => (r.data as { cpu: Record<string, number> }).cpu["a1"])).toEqual([10, 30, 30]);
  });

  it("an offline view shows the persisted totals", async () => {
    const store = memoryStore();
    const engine = new FakeEngine();
    engine.add("10.1.1.21", { status: 503 });
    const c = await EnvironmentCollector.start(target, { rt: engine.runtime(), store, settings });
    await until(() => c.snapshot(60).balancer.requests["5xx"] === 1);
    await c.stop({ flush: true });
    const view = EnvironmentCollector.offline(target, await store.load(target.id), "stopped", "not running", { rt: engine.runtime(), store, settings });
    const s = view.snapshot(60);
    expect(s.collector.state).toBe("stopped");
    expect(s.balancer.requests).toMatchObject({ total: 1, "5xx": 1 });
    expect(s.nodes[0]!.requests.total).toBe(1);
  });
});

describe("EnvironmentCollector.onLine", () => {
  it("reads one counters line per second and generation, and still counts every request in its own second", async () => {
    const t0 = 1_700_000_100;
    const store = memoryStore();
    const c = EnvironmentCollector.offline(target, null, "following", "", { rt: new FakeEngine().runtime(), store, settings, now: () => (t0 + 10) * 1000 });
    const lb = new FakeBalancerCounters();
    let n = 0;
    const line = (tsSec: number) => {
      const ms = Math.round((tsSec % 1) * 1000);
      c.onLine({ stream: "stderr", timestamp: `2023-11-14T22:15:${String(Math.floor(tsSec) - t0 + 10).padStart(2, "0")}.${String(ms).padStart(3, "0")}000000Z`, text: lb.line(tsSec) });
      n++;
    };
    // Four lines a second for three seconds: second s has s + 1 requests per line on 10.1.1.21, one on 10.1.1.22.
    for (let s = 0; s < 3; s++) {
      for (let q = 0; q < 4; q++) {
        for (let r = 0; r <= s; r++) lb.request({ upstreams: ["10.1.1.21:80"] });
        lb.request({ upstreams: ["10.1.1.22:80"] });
        line(t0 + s + q * 0.25);
      }
    }
    // The balancer restarts within second 3: the old generation's last line, then the new one's, in the same second.
    lb.request({ upstreams: ["10.1.1.21:80"] });
    line(t0 + 3.1);
    lb.restart("1700000103000-9");
    lb.request({ upstreams: ["10.1.1.22:80"] });
    lb.request({ upstreams: ["10.1.1.22:80"] });
    line(t0 + 3.6);
    c.onLine({ stream: "stderr", timestamp: "2023-11-14T22:15:13.900000000Z", text: "2023/11/14 22:15:13 [error] 9#9: *1 upstream timed out" });
    expect(n).toBe(14);
    const s = c.snapshot(20);
    expect(s.balancer.requests.total).toBe(4 * (1 + 2 + 3) + 4 * 3 + 1 + 2);
    expect(s.nodes.map((x) => x.requests.total)).toEqual([4 * (1 + 2 + 3) + 1, 4 * 3 + 2]);
    const perSecond = Object.fromEntries(s.series.points.filter((p) => p.requests > 0).map((p) => [p.t - t0, p.requests]));
    expect(perSecond).toEqual({ 0: 8, 1: 12, 2: 16, 3: 3 });
    expect(s.collector.cursor).toBe("2023-11-14T22:15:13.900000000Z");
  });
});

describe("two balancers", () => {
  it("difference each balancer's counters against its own and add them up; each has its own cursor, saved and read back", async () => {
    const two: CollectorTarget = { ...target, nodes: [...target.nodes, { id: "lb2", role: "balancer", ordinal: 2, hostname: "x-lb-2", ip: "10.1.1.3", containerId: "c-lb2" }] };
    const store = memoryStore();
    const c = EnvironmentCollector.offline(two, null, "following", "", { rt: new FakeEngine().runtime(), store, settings });
    // Different generations, interleaved lines: read as one feed, each line would look like a restart of the other.
    const first = new FakeBalancerCounters("1700000000000-1");
    const second = new FakeBalancerCounters("1700000000000-2");
    for (let i = 0; i < 5; i++) {
      first.request({ upstreams: ["10.1.1.21:80"] });
      c.onLine({ stream: "stderr", timestamp: `2024-05-01T10:00:0${i}.100000000Z`, text: first.line(1_714_557_600 + i) }, 1);
      second.request({ upstreams: ["10.1.1.22:80"] });
      second.request({ upstreams: ["10.1.1.22:80"] });
      c.onLine({ stream: "stderr", timestamp: `2024-05-01T10:00:0${i}.200000000Z`, text: second.line(1_714_557_600 + i) }, 2);
    }
    const s = c.snapshot(60);
    expect(s.balancer.requests.total).toBe(15);
    expect(s.nodes.map((n) => n.requests.total)).toEqual([5, 10]);
    await c.flush();
    expect(Object.keys(store.state!.feeds).sort()).toEqual(["1", "2"]);
    expect(store.state!.feeds["1"]!.cursor).toBe("2024-05-01T10:00:04.100000000Z");
    expect(store.state!.feeds["2"]!.cursor).toBe("2024-05-01T10:00:04.200000000Z");
    // After a restart of the control plane, a line read again from each log adds nothing.
    const again = EnvironmentCollector.offline(two, await store.load(two.id), "following", "", { rt: new FakeEngine().runtime(), store, settings });
    again.onLine({ stream: "stderr", timestamp: "2024-05-01T10:00:05.200000000Z", text: second.line(1_714_557_605) }, 2);
    expect(again.snapshot(60).balancer.requests.total).toBe(15);
  });
});
