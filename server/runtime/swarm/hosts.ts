import Docker from "dockerode";
import fs from "node:fs";
import path from "node:path";
import type { SwarmHostEngine } from "./swarm-runtime";

/**
 * The hosts of a Swarm as configured: `name=URL` pairs, comma-separated, where name is the host's Swarm node
 * hostname and URL its engine:
 *   https://ADDRESS:2376  TLS with client certificates: ca.pem, cert.pem, key.pem in `<tlsDir>/<name>/` (or in
 *                         `<tlsDir>/` for all hosts), as `dockerd --tlsverify` expects them
 *   ssh://USER@ADDRESS    the engine's socket over SSH (the agent in SSH_AUTH_SOCK holds the key)
 *   tcp://ADDRESS:2375    plain TCP: only for a test network no one else can reach (an unauthenticated engine is
 *                         root on its host)
 */
export function parseSwarmHosts(spec: string, tlsDir?: string): SwarmHostEngine[] {
  return spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf("=");
      if (eq <= 0) throw new Error(`PHLEET_SWARM_HOSTS: '${entry}' is not name=URL`);
      const name = entry.slice(0, eq);
      const url = new URL(entry.slice(eq + 1));
      return { name, docker: engineFor(name, url, tlsDir) };
    });
}

function engineFor(name: string, url: URL, tlsDir?: string): Docker {
  const port = url.port ? Number(url.port) : undefined;
  switch (url.protocol) {
    case "https:": {
      if (!tlsDir) throw new Error(`PHLEET_SWARM_HOSTS: ${name} uses https but PHLEET_SWARM_TLS_DIR is not set`);
      const dir = fs.existsSync(path.join(tlsDir, name, "ca.pem")) ? path.join(tlsDir, name) : tlsDir;
      const read = (f: string) => fs.readFileSync(path.join(dir, f));
      return new Docker({ protocol: "https", host: url.hostname, port: port ?? 2376, ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") });
    }
    case "ssh:":
      return new Docker({ protocol: "ssh", host: url.hostname, port: port ?? 22, username: url.username || "root", sshOptions: { agent: process.env.SSH_AUTH_SOCK } });
    case "tcp:":
    case "http:":
      return new Docker({ protocol: "http", host: url.hostname, port: port ?? 2375 });
    default:
      throw new Error(`PHLEET_SWARM_HOSTS: ${name}: ${url.protocol} is not https:, ssh: or tcp:`);
  }
}
