import Docker from "dockerode";

/** Removes every container, network and volume of a Phleet instance (by label), so a crashed run cannot break the next. */
export async function sweepInstance(instance: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const docker = new Docker();
  const filters = { label: [`phleet.instance=${instance}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  for (const v of volumes) await docker.getVolume(v.Name).remove().catch(() => undefined);
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}
