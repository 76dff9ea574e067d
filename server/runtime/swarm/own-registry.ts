import type Docker from "dockerode";
import net from "node:net";
import { log } from "../../log";
import { waitFor } from "../../wait";
import { toRuntimeError } from "../docker/engine-errors";
import { RuntimeError } from "../errors";
import { LABEL, managedLabels } from "../labels";
import type { RegistryAddress } from "./registry";

/**
 * The registry Phleet runs on its own engine when a Swarm has none configured (images/registry): one storage
 * served read-write on loopback, where the control plane pushes, and read-only on `port` of `advertise`, where the
 * hosts pull. Plain HTTP: each host lists `<advertise>:<port>` in its engine's insecure-registries (README).
 */
export interface OwnRegistryOptions {
  instance: string;
  /** The pull port the hosts reach; it is part of every image reference in the Swarm's services, so keep it fixed. */
  port: number;
  /** How the hosts reach this machine; found from the route to the first host that answers when unset. */
  advertise?: string;
  /** The registry image, built when needed. */
  image: () => Promise<string>;
  /** The hosts' engines: the address this machine uses towards them is the one they can reach it at. */
  hosts: Docker[];
}

const PUSH_PORT = 5000;
const PULL_PORT = 5001;

export async function startOwnRegistry(engine: Docker, o: OwnRegistryOptions): Promise<RegistryAddress> {
  // Its push port is reached on this machine's loopback, and the hosts reach this machine: the engine must be local.
  if ((engine.modem as { host?: string }).host) {
    throw new RuntimeError("Phleet runs its own registry only on a local Docker engine (DOCKER_HOST is remote): set PHLEET_REGISTRY to a registry of yours", "failed");
  }
  const found = o.advertise || (await addressTowards(o.hosts));
  // An IPv6 address goes in brackets in an image reference.
  const advertise = net.isIPv6(found) ? `[${found}]` : found;
  const image = await o.image();
  const name = `phleet-${o.instance}-registry`;
  const labels = managedLabels(o.instance, { [LABEL.role]: "registry" });
  let container = engine.getContainer(name);
  const current = await container.inspect().catch(() => null);
  const wantedBinding = { HostIp: net.isIP(found) ? found : "0.0.0.0", HostPort: String(o.port) };
  const binding = current?.HostConfig.PortBindings?.[`${PULL_PORT}/tcp`]?.[0] as { HostIp?: string; HostPort?: string } | undefined;
  const fits = current && current.Config.Image === image && binding?.HostIp === wantedBinding.HostIp && binding?.HostPort === wantedBinding.HostPort;
  try {
    if (current && !fits) {
      // Another image or another address: the stored images stay in the volume.
      await container.remove({ force: true });
      log.info({ registry: name }, "registry replaced (new image or pull address)");
    }
    if (!fits) {
      await engine.createVolume({ Name: name, Labels: labels });
      container = await engine.createContainer({
        name,
        Image: image,
        Labels: labels,
        ExposedPorts: { [`${PUSH_PORT}/tcp`]: {}, [`${PULL_PORT}/tcp`]: {} },
        HostConfig: {
          // Pushes through loopback only: 127.0.0.0/8 is an insecure registry for every engine by default.
          PortBindings: { [`${PUSH_PORT}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: "" }], [`${PULL_PORT}/tcp`]: [wantedBinding] },
          Binds: [`${name}:/var/lib/docker-registry`],
          RestartPolicy: { Name: "unless-stopped" },
        },
      });
    }
    if (!fits || !current?.State.Running) await container.start().catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 304) throw err; // 304: already running
    });
  } catch (err) {
    throw toRuntimeError(err, `start the image registry ${name} (pull port ${o.port} on ${wantedBinding.HostIp})`);
  }
  const pushPort = await waitFor(
    "the registry's push port",
    async () => (await container.inspect()).NetworkSettings.Ports[`${PUSH_PORT}/tcp`]?.[0]?.HostPort,
    { timeoutMs: 10_000, intervalMs: 100 },
  );
  await waitFor(
    "the registry to answer",
    async () => (await fetch(`http://127.0.0.1:${pushPort}/v2/`).then((r) => r.ok, () => false)),
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  const address = { push: `127.0.0.1:${pushPort}`, pull: `${advertise}:${o.port}` };
  log.info({ registry: name, pull: address.pull }, "image registry running for the Swarm's hosts");
  return address;
}

/** The local address of a TCP connection to the first host engine that accepts one: where that host reaches us. */
async function addressTowards(hosts: Docker[]): Promise<string> {
  for (const docker of hosts) {
    const modem = docker.modem as { host?: string; port?: number | string; protocol?: string };
    if (!modem.host) continue;
    const port = Number(modem.port) || (modem.protocol === "ssh" ? 22 : modem.protocol === "https" ? 2376 : 2375);
    const local = await new Promise<string | null>((resolve) => {
      const socket = net.connect({ host: modem.host!, port, timeout: 5000 }, () => {
        const address = socket.localAddress;
        socket.destroy();
        resolve(address ? address.replace(/^::ffff:/, "") : null);
      });
      socket.on("timeout", () => (socket.destroy(), resolve(null)));
      socket.on("error", () => resolve(null));
    });
    if (local) return local;
  }
  throw new RuntimeError(
    "No registry is configured and no host's engine answered to find the address the hosts reach this machine at: set PHLEET_REGISTRY_ADVERTISE (or PHLEET_REGISTRY for a registry of your own)",
    "failed",
  );
}
