import Docker from "dockerode";
import { PassThrough } from "node:stream";

/** Runs a command in a container the test created and returns its exit code and output (stdout + stderr). */
export async function execIn(containerId: string, cmd: string[], user = "www-data"): Promise<{ exitCode: number; output: string; stdout: string }> {
  return execOn(new Docker(), containerId, cmd, user);
}

/**
 * The same on a given engine (a host of the Swarm lab). An empty user is the image's own. `output` is stdout
 * and stderr as they came; `stdout` alone, for reading a file or a listing back.
 */
export async function execOn(engine: Docker, containerId: string, cmd: string[], user = ""): Promise<{ exitCode: number; output: string; stdout: string }> {
  const exec = await engine.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, User: user });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: Buffer[] = [];
  const stdout: Buffer[] = [];
  out.on("data", (c: Buffer) => (chunks.push(c), stdout.push(c)));
  err.on("data", (c: Buffer) => chunks.push(c));
  engine.modem.demuxStream(stream, out, err);
  await new Promise((r) => stream.on("end", r));
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString("utf8"), stdout: Buffer.concat(stdout).toString("utf8") };
}
