import type Docker from "dockerode";
import { PassThrough, type Duplex } from "node:stream";
import type { ExecSession, ExecSessionOptions } from "../types";
import { toRuntimeError } from "./engine-errors";

/**
 * An engine exec with its hijacked stream kept open. With a TTY the engine sends one raw stream
 * (what a terminal shows); without one it is multiplexed and split into stdout and stderr here.
 */
export async function openExecSession(docker: Docker, id: string, cmd: string[], options: ExecSessionOptions): Promise<ExecSession> {
  let exec: Docker.Exec;
  let stream: Duplex;
  try {
    exec = await docker.getContainer(id).exec({
      Cmd: cmd,
      AttachStdin: options.stdin,
      AttachStdout: true,
      AttachStderr: true,
      Tty: options.tty,
      Env: options.env,
      User: options.user,
      WorkingDir: options.workingDir,
    });
    stream = (await exec.start({
      hijack: true,
      stdin: options.stdin,
      Tty: options.tty,
      ...(options.tty && options.cols && options.rows ? { ConsoleSize: [options.rows, options.cols] } : {}),
    } as Docker.ExecStartOptions)) as unknown as Duplex;
  } catch (err) {
    throw toRuntimeError(err, `exec ${cmd[0]} in ${id.slice(0, 12)}`);
  }

  const listeners: ((chunk: Buffer, s: "stdout" | "stderr") => void)[] = [];
  const emit = (chunk: Buffer, s: "stdout" | "stderr") => listeners.forEach((fn) => fn(chunk, s));
  if (options.tty) {
    stream.on("data", (c: Buffer) => emit(c, "stdout"));
  } else {
    const out = new PassThrough();
    const err = new PassThrough();
    out.on("data", (c: Buffer) => emit(c, "stdout"));
    err.on("data", (c: Buffer) => emit(c, "stderr"));
    docker.modem.demuxStream(stream, out, err);
  }

  const exited = new Promise<number | null>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      exec
        .inspect()
        .then((info) => resolve(info.Running ? null : (info.ExitCode ?? null)))
        .catch(() => resolve(null));
    };
    stream.on("end", finish);
    stream.on("close", finish);
    stream.on("error", finish);
  });

  if (options.tty && options.cols && options.rows) {
    // Older engines ignore ConsoleSize on start: set the size once the process runs.
    void exec.resize({ w: options.cols, h: options.rows }).catch(() => undefined);
  }

  return {
    onData: (fn) => void listeners.push(fn),
    write: (data) => {
      if (!stream.destroyed) stream.write(data);
    },
    resize: async (cols, rows) => {
      try {
        await exec.resize({ w: cols, h: rows });
      } catch {
        // The process may have just ended; a resize then has nothing to do.
      }
    },
    close: () => {
      if (options.stdin && !stream.destroyed) stream.end();
      stream.destroy();
    },
    exited,
  };
}
