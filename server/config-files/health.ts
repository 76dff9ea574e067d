import type { ContainerRuntime } from "../runtime/types";

/**
 * A node's health probe run on demand (the same test as its image's HEALTHCHECK), for the seconds
 * after a graceful reload, when the engine's own health state has not caught up yet.
 */
const PHP_PROBE = ["php", "-r", 'exit(@file_get_contents("http://127.0.0.1/health.php") === "ok" ? 0 : 1);'];
const PROBES: Record<string, string[]> = {
  "apache-php": PHP_PROBE,
  "nginx-php": PHP_PROBE,
  nginx: ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/80"],
  memcached: ["/usr/local/bin/phleet-healthcheck"],
  redis: ["/usr/local/bin/phleet-healthcheck"],
};

/** True once the probe passes; false if it never does within the time given (bounded retries). */
export async function probeHealthy(rt: ContainerRuntime, containerId: string, nodeType: string, withinMs = 8000): Promise<boolean> {
  const cmd = PROBES[nodeType];
  if (!cmd) return true;
  const deadline = Date.now() + withinMs;
  for (let attempt = 0; attempt < 40; attempt++) {
    const r = await rt.exec(containerId, cmd, { timeoutMs: 5000 }).catch(() => ({ exitCode: -1 }));
    if (r.exitCode === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((res) => setTimeout(res, 500));
  }
  return false;
}
