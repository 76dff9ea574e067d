import type Docker from "dockerode";
import { RuntimeError } from "../errors";

/** Where node images go for the hosts: pushed through `push`, pulled by the hosts from `pull` (both host:port). */
export interface RegistryAddress {
  push: string;
  pull: string;
}

/**
 * Pushes a local image to the registry under the same repository and tag; returns the reference the hosts pull.
 * The temporary registry-named tag is removed afterwards (the image itself stays).
 */
export async function pushToRegistry(docker: Docker, tag: string, registry: RegistryAddress): Promise<string> {
  const [repo, version] = tag.split(":") as [string, string];
  const pushRepo = `${registry.push}/${repo}`;
  await docker.getImage(tag).tag({ repo: pushRepo, tag: version });
  try {
    // The engine refuses a push without this header; a registry without accounts needs only the server named.
    const stream = await docker.getImage(`${pushRepo}:${version}`).push({ authconfig: { serveraddress: registry.push } });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
        const failed = err?.message ?? events.find((e) => e.error)?.error;
        if (failed) reject(new RuntimeError(`push of ${tag} to ${registry.push} failed: ${failed}`, "failed"));
        else resolve();
      }),
    );
  } finally {
    await docker.getImage(`${pushRepo}:${version}`).remove({ noprune: true }).catch(() => undefined);
  }
  return `${registry.pull}/${repo}:${version}`;
}
