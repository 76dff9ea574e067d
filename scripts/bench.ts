/**
 * npm run bench: figures measured side by side in one run, printed as ratios. Never fails on a timing.
 * - creation time from the API call to the first session-served 200 through the balancer, per stack (median of 3),
 *   node restart and rolling restart times, and the idle control plane's CPU with 1 and 20 environments
 * - image build time from scratch (no cache), per image and per stack
 * - clustered sessions against local files + sticky (scripts/bench-sessions.ts); `npm run bench -- sessions` runs only that
 * - several hosts on the 3-host Swarm lab (scripts/bench-swarm.ts); `npm run bench -- swarm` runs only that
 * `npm run bench -- creation` runs only the creation figures, `-- operations` creation and the restarts.
 * Traffic goes only to 127.0.0.1 (the balancers' published ports).
 */
import { contextTar } from "../server/images/build";
import { DockerRuntime } from "../server/runtime/docker/docker-runtime";
import { startApp } from "../server/testing/app-server";
import { sweepInstance } from "../server/testing/sweep";
import { prepareBench } from "./bench-prepare";
import { benchHa, printHa } from "./bench-ha";
import { benchDeploy, printDeploy } from "./bench-deploy";
import { benchSessions } from "./bench-sessions";
import { benchStats } from "./bench-stats";
import { apiOf, benchCreation, benchRestarts, fmt, median, printCreation, printRestarts, STACKS, type CreationFigures, type RestartFigures } from "./bench-ops";
import { benchIdle, printIdle } from "./bench-idle";
import { benchSwarm, printSwarm } from "./bench-swarm";

const INSTANCE = "bench";


async function buildTimes() {
  const rt = new DockerRuntime();
  const names = [...new Set(STACKS.flatMap((s) => s.images))];
  const times: Record<string, number> = {};
  for (const name of names) {
    const tag = `phleet-bench/${name}:${Date.now()}`;
    const started = Date.now();
    await rt.buildImage(contextTar(name), tag, { "phleet.instance": INSTANCE }, undefined, { noCache: true });
    times[name] = Date.now() - started;
    console.log(`[bench] image ${name} from scratch: ${fmt(times[name])}`);
    await rt.removeImage(tag);
  }
  return times;
}

async function main() {
  prepareBench();
  if (process.argv[2] === "sessions") {
    await benchSessions();
    return;
  }
  if (process.argv[2] === "swarm") {
    printSwarm(await benchSwarm());
    return;
  }
  await sweepInstance(INSTANCE);
  const app = await startApp({ PHLEET_INSTANCE: INSTANCE, PHLEET_API_TOKEN: `bench_${Date.now()}_token`, PHLEET_SUBNET_POOL: "10.218.0.0/16" });
  let creation: CreationFigures = { ms: {}, steps: {} };
  let restarts: RestartFigures | undefined;
  let ha: Awaited<ReturnType<typeof benchHa>> | undefined;
  let deploy: Awaited<ReturnType<typeof benchDeploy>> | undefined;
  const token = app.env.PHLEET_API_TOKEN!;
  const api = apiOf(app.url, token);
  if (process.argv[2] === "creation" || process.argv[2] === "operations") {
    // Only the creation figures (every stack, both balancer types); with "operations", node and rolling restarts too.
    try {
      printCreation(await benchCreation(api));
      if (process.argv[2] === "operations") printRestarts(await benchRestarts(api));
    } finally {
      await app.stop();
      await sweepInstance(INSTANCE);
    }
    return;
  }
  try {
    creation = await benchCreation(api);
    restarts = await benchRestarts(api);
    ha = await benchHa(api);
    deploy = await benchDeploy(app.url, token, api);
  } finally {
    await app.stop();
    await sweepInstance(INSTANCE);
  }
  const builds = await buildTimes();

  const [a, b] = STACKS;
  const ca = median(creation.ms[a.label]!);
  const cb = median(creation.ms[b.label]!);
  const ba = a.images.reduce((t, n) => t + builds[n]!, 0);
  const bb = b.images.reduce((t, n) => t + builds[n]!, 0);
  console.log("\nPhleet bench (one run, side by side)");
  console.log("stack                     creation to first session 200 (median of 3)   image builds, no cache");
  console.log(`${a.label.padEnd(26)}${fmt(ca).padEnd(47)}${fmt(ba)}`);
  console.log(`${b.label.padEnd(26)}${fmt(cb).padEnd(47)}${fmt(bb)}`);
  console.log(`ratio nginx-php/apache-php: creation ${(cb / ca).toFixed(2)}, image builds ${(bb / ba).toFixed(2)}`);
  for (const [n, ms] of Object.entries(builds)) console.log(`  image ${n}: ${fmt(ms)}`);
  printCreation(creation);
  if (restarts) printRestarts(restarts);
  if (ha) printHa(ha);
  if (deploy) printDeploy(deploy);
  await benchStats(); // prints its own table: control-plane CPU and memory with statistics on vs off
  printIdle(await benchIdle()); // its own control plane, restarted with statistics off on the same environments
  await benchSessions(); // prints its own table: clustered sessions against local files + sticky
  printSwarm(await benchSwarm()); // the 3-host Swarm lab: req/s with 2 and 4 app servers, host death to serving
}

main().catch((err) => {
  console.error(`[bench] ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
