import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppError } from "../errors";

/**
 * Fetches a Git source with Debian's git (installed by scripts/up.sh and scripts/test.sh): a bare clone
 * into a scratch folder, the ref resolved to a commit, and `git archive` of the commit (or of its
 * sub-folder) as a tar stream for the same checks as an uploaded archive.
 */

const gitFailed = (message: string) => new AppError("git_failed", message, 422);

/** The URL as recorded and shown: credentials in it are never kept. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "";
      u.password = "";
    }
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]+@/, "//");
  }
}

function checkGitUrl(url: string): void {
  if (/^-/.test(url)) throw gitFailed("The Git URL may not start with '-'");
  if (path.isAbsolute(url)) return;
  if (/^(https?|git|ssh|file):\/\//.test(url)) return;
  throw gitFailed("The Git URL must be https://, http://, git://, ssh://, file:// or an absolute path");
}

function git(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: opts.cwd,
      // No prompt for credentials (it would hang), no transport that runs commands (ext::).
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ALLOW_PROTOCOL: "file:git:http:https:ssh", GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => (err = (err + c.toString("utf8")).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(gitFailed(`git could not be started (${e.message}); install Debian's git package`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

export interface FetchedGit {
  commit: string;
  /** The tree as a plain tar file (to normalize); the caller removes `dir`. */
  tarFile: string;
  dir: string;
}

export async function fetchGit(url: string, ref: string | undefined, subPath: string | undefined): Promise<FetchedGit> {
  checkGitUrl(url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phleet-git-"));
  const shown = redactUrl(url);
  try {
    const clone = await git(["clone", "--bare", "--quiet", "--", url, path.join(dir, "repo")]);
    if (clone.code !== 0) throw gitFailed(`Could not clone ${shown}: ${clone.stderr.trim().split("\n").slice(-2).join(" ").replaceAll(url, shown) || `git exited with ${clone.code}`}`);
    const repo = path.join(dir, "repo");
    const want = ref ?? "HEAD";
    const rev = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${want}^{commit}`], { cwd: repo });
    if (rev.code !== 0) throw gitFailed(`The ref '${want}' is not a branch, tag or commit of ${shown}`);
    const commit = rev.stdout.toString("utf8").trim();
    const sub = (subPath ?? "").replace(/^\/+|\/+$/g, "");
    if (sub.split("/").some((p) => p === "..")) throw gitFailed("The Git path may not contain '..'");
    const tree = sub ? `${commit}:${sub}` : commit;
    if (sub) {
      const t = await git(["cat-file", "-t", tree], { cwd: repo });
      if (t.code !== 0 || t.stdout.toString().trim() !== "tree") throw gitFailed(`'${sub}' is not a folder of ${shown} at ${commit.slice(0, 12)}`);
    }
    const tarFile = path.join(dir, "tree.tar");
    const archive = await git(["archive", "--format=tar", `--output=${tarFile}`, tree], { cwd: repo });
    if (archive.code !== 0) throw gitFailed(`git archive failed: ${archive.stderr.trim()}`);
    return { commit, tarFile, dir };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
