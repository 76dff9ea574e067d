import net from "node:net";

/** A TCP port free on the host address the balancer is published on, not already given to an environment. */
export async function freeHostPort(host: string, exclude: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(0, host, () => {
        const addr = server.address();
        const p = typeof addr === "object" && addr ? addr.port : 0;
        server.close(() => resolve(p));
      });
    });
    if (port && !exclude.has(port)) return port;
  }
  throw new Error(`no free TCP port on ${host}`);
}
