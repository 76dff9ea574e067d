import crypto from "node:crypto";
import path from "node:path";
import type { ContainerRuntime, FileSpec } from "../runtime/types";
import type { CatalogEntry } from "../node-kinds";
import { checkUser, withCheckPid, withoutManagedTls } from "./check-user";
import { checkCommand, includeReplacement, readCheckOutput, wrapperConfig, type CheckVerdict, type StagedPaths } from "./checks";

export interface CheckResult {
  ok: boolean;
  tool: string | null;
  verdict: CheckVerdict | null;
}

/**
 * Checks `content` as `entry` with the node's own tool, on staged copies only: the live file is not
 * touched. Staged files go to a fresh folder under /tmp, except a staged nginx main config, which
 * must sit next to the live one so that its relative includes resolve the same way; every staged
 * file is removed afterwards.
 */
export async function checkOnNode(rt: ContainerRuntime, containerId: string, entry: CatalogEntry, content: string): Promise<CheckResult> {
  const v = entry.validator;
  if (!v) return { ok: true, tool: null, verdict: null };
  const token = crypto.randomBytes(6).toString("hex");
  const dir = `/tmp/phleet-check-${token}`;
  const staged: StagedPaths = { file: `${dir}/${path.posix.basename(entry.path)}` };
  const files: FileSpec[] = [{ path: staged.file, content, mode: 0o644 }];
  const cleanup: string[] = [dir];

  const pidFile = `/tmp/phleet-check-${token}.pid`; // nginx -t as an unprivileged user (check-user.ts)
  if (v.kind === "nginx-main") {
    staged.file = `${path.posix.dirname(entry.path)}/.phleet-check-${token}.conf`;
    files[0] = { path: staged.file, content: withCheckPid(withoutManagedTls(content), pidFile), mode: 0o644 };
    cleanup.push(staged.file, pidFile);
  } else if (v.kind === "apache-site" || v.kind === "fpm-pool" || v.kind === "nginx-site") {
    const main = await rt.readFile(containerId, v.mainConf);
    const wrapped = main === null ? null : wrapperConfig(main, v.includeLine, includeReplacement(v, staged.file));
    if (wrapped === null) {
      return {
        ok: false,
        tool: entry.validatorLabel,
        verdict: { message: `Cannot check this file: ${v.mainConf} no longer includes it the way Phleet expects`, line: null },
      };
    }
    // nginx resolves relative includes (snippets/…) from the main config's folder.
    staged.wrapper = v.kind === "nginx-site" ? `${path.posix.dirname(v.mainConf)}/.phleet-check-${token}.conf` : `${dir}/main.conf`;
    files.push({ path: staged.wrapper, content: v.kind === "nginx-site" ? withCheckPid(wrapped, pidFile) : wrapped, mode: 0o644 });
    cleanup.push(staged.wrapper, pidFile);
  }

  try {
    await rt.writeFiles(containerId, files);
    const res = await rt.exec(containerId, checkCommand(v, staged), { timeoutMs: 20_000, user: checkUser(v.kind) });
    if (res.exitCode === 0) return { ok: true, tool: entry.validatorLabel, verdict: null };
    const output = `${res.stderr}\n${res.stdout}`.trim() || `exit code ${res.exitCode}`;
    return { ok: false, tool: entry.validatorLabel, verdict: readCheckOutput(v, output, staged, entry.path) };
  } finally {
    await rt.exec(containerId, ["rm", "-rf", "--", ...cleanup], { timeoutMs: 10_000, user: "root" }).catch(() => undefined);
  }
}
