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

  // Resizes are HTTP calls and writes are not: both go through one queue so that they reach the
  // process in the order they were made (a resize then "stty size" must see the new size, and the
  // initial size must not land after a later resize).
  let queue: Promise<unknown> = Promise.resolve();
  const inOrder = (fn: () => unknown) => (queue = queue.then(fn).catch(() => undefined));
  // The process may have just ended; a resize then has nothing to do (hence the catch in inOrder).
  const resize = (cols: number, rows: number) => inOrder(() => exec.resize({ w: cols, h: rows }));
  // Older engines ignore ConsoleSize on start: set the size once the process runs.
  if (options.tty && options.cols && options.rows) void resize(options.cols, options.rows);

  return {
    onData: (fn) => void listeners.push(fn),
    write: (data) => {
      void inOrder(() => {
        if (!stream.destroyed) stream.write(data);
      });
    },
    resize: async (cols, rows) => {
      await resize(cols, rows);
    },
    close: () => {
      if (options.stdin && !stream.destroyed) stream.end();
      stream.destroy();
    },
    exited,
  };
}
