import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { pack } from "tar-stream";
import { acquire } from "../operations/lock";
import { config } from "../config";
import type { Deployment, DeploymentList, DeploymentSource, GitDeployInput } from "../contracts/deployments";
import { db } from "../db/client";
import { AppError, conflict, notFound } from "../errors";
import { taskView } from "../tasks/view";
import { imagesDir } from "../images/build";
import { log } from "../log";
import { runtime } from "../runtime";
import type { ContainerRuntime } from "../runtime/types";
import { createTask, runTask } from "../tasks/runner";
import { digestOf, normalizeArchive, Normalizer, readTar, type ArchiveKind, type NormalizedRelease } from "./archive";
import { fetchGit, redactUrl } from "./git";
import { DEMO_DIR, releaseDirOf } from "./layout";
import { appNodesOf, rollout, rolloutSteps } from "./rollout";
import { releaseTarPath, scratchPath } from "./store";

/** Deployments of the user's application: receive and check a source, then roll it out as a task. */

type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof db>["deployment"]["findFirst"]>>>;

const KIND_OF: Record<string, ArchiveKind> = { "application/zip": "zip", "application/gzip": "tgz", "application/x-tar": "tar" };

export function archiveKindOf(contentType: string | null): ArchiveKind {
  const base = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const kind = KIND_OF[base];
  if (!kind) {
    throw new AppError("unsupported_media_type", `Content-Type '${base || "(none)"}' is not an archive Phleet deploys: send application/zip, application/gzip (tar.gz) or application/x-tar, or JSON with a 'git' source`, 415);
  }
  return kind;
}

async function runningEnv(envId: string) {
  const env = await db().environment.findUnique({ where: { id: envId } });
  if (!env) throw notFound("Environment", envId);
  if (env.status !== "running") throw conflict(`The environment is ${env.status}; deploy when it is running`);
  return env;
}

/** The demo app every new environment starts with, recorded as its first (current) release. */
async function ensureDemoRelease(envId: string): Promise<void> {
  if (await db().deployment.findFirst({ where: { environmentId: envId } })) return;
  const id = crypto.randomBytes(12).toString("hex");
  const tar = releaseTarPath(id);
  const p = pack();
  const www = path.join(/*turbopackIgnore: true*/ imagesDir(), "_shared", "www");
  for (const name of fs.readdirSync(www).sort()) p.entry({ name: `${DEMO_DIR}/${name}`, mode: 0o644 }, fs.readFileSync(path.join(/*turbopackIgnore: true*/ www, name)));
  p.finalize();
  await pipeline(p as unknown as NodeJS.ReadableStream, fs.createWriteStream(tar));
  const digest = await digestOf(tar);
  await db().deployment.create({
    data: { id, environmentId: envId, status: "succeeded", source: JSON.stringify({ type: "demo" }), docroot: "", sizeBytes: digest.sizeBytes, sha256: digest.sha256, fileCount: fs.readdirSync(www).length, message: "Phleet demo app", author: "phleet", current: true, finishedAt: new Date() },
  });
}

/** Streams the request body to a scratch file, refusing it past the size limit (413) without reading on. */
async function receiveBody(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) throw new AppError("bad_request", "The request has no body: send the archive as the raw body", 400);
  const file = scratchPath("upload");
  const out = fs.createWriteStream(file);
  let seen = 0;
  try {
    await pipeline(
      req.body as unknown as NodeJS.ReadableStream,
      async function* (source: AsyncIterable<string | Uint8Array>) {
        for await (const chunk of source) {
          seen += chunk.length;
          if (seen > maxBytes) throw tooLarge(maxBytes);
          yield chunk;
        }
      },
      out,
    );
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
  if (seen === 0) {
    fs.rmSync(file, { force: true });
    throw new AppError("invalid_archive", "The archive is empty", 422);
  }
  return file;
}

const tooLarge = (max: number) => new AppError("archive_too_large", `The archive is larger than the limit of ${Math.round(max / 1024 / 1024)} MB (PHLEET_DEPLOY_MAX_BYTES)`, 413);

function checkDocroot(rel: NormalizedRelease, docroot: string) {
  if (docroot && !rel.dirs.has(docroot)) throw new AppError("invalid_docroot", `The release has no folder '${docroot}' to serve as its document root`, 422);
}

export async function deployArchive(envId: string, req: Request, opts: { docroot: string; message?: string }, author: string, rt: ContainerRuntime = runtime()): Promise<Deployment> {
  const kind = archiveKindOf(req.headers.get("content-type"));
  await runningEnv(envId);
  const release = acquire(envId, "a deployment");
  try {
    await ensureDemoRelease(envId);
    const cfg = config();
    const upload = await receiveBody(req, cfg.PHLEET_DEPLOY_MAX_BYTES);
    const id = crypto.randomBytes(12).toString("hex");
    try {
      const digest = await digestOf(upload);
      const rel = await normalizeArchive(upload, kind, releaseTarPath(id), id, limits());
      try {
        checkDocroot(rel, opts.docroot);
      } catch (err) {
        fs.rmSync(releaseTarPath(id), { force: true });
        throw err;
      }
      const source: DeploymentSource = { type: "archive", contentType: req.headers.get("content-type")!.split(";")[0]!.trim() };
      return await start(rt, envId, id, source, opts, digest, rel.fileCount, author, release);
    } finally {
      fs.rmSync(upload, { force: true });
    }
  } catch (err) {
    release();
    throw err;
  }
}

export async function deployGit(envId: string, input: GitDeployInput, author: string, rt: ContainerRuntime = runtime()): Promise<Deployment> {
  await runningEnv(envId);
  const release = acquire(envId, "a deployment");
  try {
    await ensureDemoRelease(envId);
    const fetched = await fetchGit(input.git.url, input.git.ref, input.git.path);
    const id = crypto.randomBytes(12).toString("hex");
    try {
      const n = new Normalizer(id, limits());
      const out = releaseTarPath(id);
      const writing = pipeline(n.out as unknown as NodeJS.ReadableStream, fs.createWriteStream(out));
      writing.catch(() => undefined);
      try {
        await readTar(fs.createReadStream(fetched.tarFile), false, n);
        n.out.finalize();
        await writing;
        checkDocroot({ fileCount: n.fileCount, unpackedBytes: n.unpackedBytes, dirs: n.dirs }, input.docroot);
      } catch (err) {
        n.out.destroy();
        fs.rmSync(out, { force: true });
        throw err;
      }
      const digest = await digestOf(out);
      const source: DeploymentSource = { type: "git", url: redactUrl(input.git.url), ref: input.git.ref ?? null, path: input.git.path ?? null, commit: fetched.commit };
      return await start(rt, envId, id, source, { docroot: input.docroot, message: input.message }, digest, n.fileCount, author, release);
    } finally {
      fs.rmSync(fetched.dir, { recursive: true, force: true });
    }
  } catch (err) {
    release();
    throw err;
  }
}

function limits() {
  const cfg = config();
  return { maxEntries: cfg.PHLEET_DEPLOY_MAX_ENTRIES, maxUnpackedBytes: cfg.PHLEET_DEPLOY_MAX_UNPACKED_BYTES };
}

async function start(
  rt: ContainerRuntime,
  envId: string,
  id: string,
  source: DeploymentSource,
  opts: { docroot: string; message?: string },
  digest: { sha256: string; sizeBytes: number },
  fileCount: number,
  author: string,
  release: () => void,
): Promise<Deployment> {
  const nodes = await appNodesOf(rt, envId);
  const running = nodes.filter((n) => n.running);
  if (!running.length) {
    fs.rmSync(releaseTarPath(id), { force: true });
    throw conflict("No app server of this environment is running");
  }
  const task = await createTask("deployment.create", envId, rolloutSteps(running));
  await db().deployment.create({
    data: { id, environmentId: envId, status: "pending", source: JSON.stringify(source), docroot: opts.docroot, sizeBytes: digest.sizeBytes, sha256: digest.sha256, fileCount, message: opts.message ?? null, author, taskId: task.id },
  });
  void run(rt, envId, id, task.id, nodes, true).finally(release);
  return getDeployment(envId, id);
}

async function run(rt: ContainerRuntime, envId: string, id: string, taskId: string, nodes: Awaited<ReturnType<typeof appNodesOf>>, fresh: boolean) {
  await db().deployment.update({ where: { id }, data: { status: "running" } });
  await runTask(
    taskId,
    async (ctx) => {
      await rollout(rt, envId, id, nodes, ctx, fresh);
      await db().$transaction([
        db().deployment.updateMany({ where: { environmentId: envId, current: true, NOT: { id } }, data: { current: false } }),
        db().deployment.update({ where: { id }, data: { status: "succeeded", current: true, finishedAt: new Date(), error: null } }),
      ]);
      log.info({ envId, deployment: id }, "deployment succeeded");
    },
    async (message) => {
      await db().deployment.update({ where: { id }, data: { status: "failed", error: message, finishedAt: new Date() } });
      if (fresh) fs.rmSync(releaseTarPath(id), { force: true });
    },
  );
}

/**
 * Makes an earlier succeeded release current again, with the same rolling rules. The releases that were
 * newer and current are marked rolled_back.
 */
export async function activateDeployment(envId: string, deploymentId: string, author: string, rt: ContainerRuntime = runtime()): Promise<Deployment> {
  await runningEnv(envId);
  const release = acquire(envId, "a rollback to an earlier release");
  try {
    const d = await db().deployment.findFirst({ where: { id: deploymentId, environmentId: envId } });
    if (!d) throw notFound("Deployment", deploymentId);
    if (d.current) throw conflict("This release is already the current one");
    if (d.status !== "succeeded" && d.status !== "rolled_back") throw conflict(`Only a release that succeeded can be made current again; this one is ${d.status}`);
    if (!fs.existsSync(releaseTarPath(d.id)) && releaseDirOf(d) !== DEMO_DIR) throw conflict("The control plane no longer holds this release's files");
    const nodes = await appNodesOf(rt, envId);
    const running = nodes.filter((n) => n.running);
    if (!running.length) throw conflict("No app server of this environment is running");
    const task = await createTask("deployment.activate", envId, rolloutSteps(running));
    const previous = await db().deployment.findFirst({ where: { environmentId: envId, current: true } });
    void runTask(
      task.id,
      async (ctx) => {
        await rollout(rt, envId, d.id, nodes, ctx, false);
        await db().$transaction([
          db().deployment.updateMany({ where: { environmentId: envId, current: true }, data: { current: false } }),
          ...(previous ? [db().deployment.update({ where: { id: previous.id }, data: { status: "rolled_back" } })] : []),
          db().deployment.update({ where: { id: d.id }, data: { current: true, status: "succeeded" } }),
        ]);
        log.info({ envId, deployment: d.id, by: author }, "earlier release made current");
      },
    ).finally(release);
    await db().deployment.update({ where: { id: d.id }, data: { taskId: task.id } });
    return getDeployment(envId, d.id);
  } catch (err) {
    release();
    throw err;
  }
}

export async function listDeployments(envId: string): Promise<DeploymentList> {
  const env = await db().environment.findUnique({ where: { id: envId } });
  if (!env) throw notFound("Environment", envId);
  if (env.status === "running") await ensureDemoRelease(envId);
  const rows = await db().deployment.findMany({ where: { environmentId: envId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return { items: await Promise.all(rows.map(view)) };
}

async function getDeployment(envId: string, id: string): Promise<Deployment> {
  const row = await db().deployment.findFirst({ where: { id, environmentId: envId } });
  if (!row) throw notFound("Deployment", id);
  return view(row);
}

async function view(d: Row): Promise<Deployment> {
  const task = d.taskId ? await db().task.findUnique({ where: { id: d.taskId }, include: { steps: true } }) : null;
  return {
    id: d.id,
    status: d.status as Deployment["status"],
    source: JSON.parse(d.source) as DeploymentSource,
    docroot: d.docroot,
    sizeBytes: d.sizeBytes,
    sha256: d.sha256,
    fileCount: d.fileCount,
    message: d.message,
    author: d.author,
    createdAt: d.createdAt.toISOString(),
    finishedAt: d.finishedAt?.toISOString() ?? null,
    current: d.current,
    error: d.error,
    taskId: d.taskId,
    task: task ? taskView(task) : null,
  };
}
