/**
 * Test instances: each run of the integration suite, the browser suite or a bench has its own instance label
 * (swept by label) and its own /16 subnet pool, so two checkouts can run their tests on one engine at once.
 * PHLEET_TEST_INSTANCE names a checkout's runs (for example a worktree per engineer): "it" and "e2e" by default.
 */
const suffix = process.env.PHLEET_TEST_INSTANCE;

export const INTEGRATION_INSTANCE = suffix ? `it${suffix}` : "it";
export const E2E_INSTANCE = suffix ? `e2e${suffix}` : "e2e";
export const CRASH_INSTANCE = suffix ? `itcrash${suffix}` : "itcrash";
/** The HTTPS suite runs its own control plane (pointed at a local ACME server). */
export const TLS_INSTANCE = suffix ? `ittls${suffix}` : "ittls";
/** The multi-host lab (docker-in-docker Swarm hosts and their registry, server/testing/swarm-lab.ts). */
export const SWARM_INSTANCE = suffix ? `itswarm${suffix}` : "itswarm";
/** The multi-host suite's own lab and the control plane that drives it (environments spread over the hosts). */
export const SWARM_ENV_INSTANCE = suffix ? `itswenv${suffix}` : "itswenv";

const FIXED: Record<string, number> = { it: 214, e2e: 215, itswarm: 216, itswenv: 217, bench: 218, itcrash: 219 };

/** 10.N.0.0/16 of an instance: fixed for the default ones, spread over 10.220-10.249 for the others. */
export function subnetPoolOf(instance: string): string {
  let second = FIXED[instance];
  if (second === undefined) {
    let h = 0;
    for (const c of instance) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    second = 220 + (h % 30);
  }
  return `10.${second}.0.0/16`;
}
