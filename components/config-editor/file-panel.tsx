"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactCodeMirrorRef } from "@uiw/react-codemirror";
import { Circle, GitCompare, LocateFixed, RotateCcw, RotateCw, Save } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { ApiRequestError } from "@/components/data/api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import type { ApplyMode, ConfigFile, InvalidConfigDetails, SaveConfigFileResult } from "@/server/contracts/config-files";
import type { Environment } from "@/server/contracts/environment";
import { CodeEditor, DiffView, markRefusedLine } from "./code-editor";
import { fileQuery, useRestart, useSaveFile, type EditScope } from "./data";
import { RevisionHistory } from "./revision-history";

/** The open file: editor, unsaved marker, review-diff-then-save, restarts, history. */
export function FilePanel({ env, scope, path, onDirtyChange }: { env: Environment; scope: EditScope; path: string; onDirtyChange: (dirty: boolean) => void }) {
  const q = useQuery(fileQuery(env.id, scope, path));
  const [lastSave, setLastSave] = useState<SaveConfigFileResult | null>(null);
  if (q.isPending) return <Skeleton className="h-[60vh] w-full" />;
  if (q.isError) return <ErrorPanel title={`Could not read ${path}`} message={q.error.message} onRetry={() => void q.refetch()} retrying={q.isFetching} />;
  // Not keyed by the saved version: a save must keep the editor (its cursor and scroll position) as it is.
  return <Editor env={env} scope={scope} file={q.data} onDirtyChange={onDirtyChange} lastSave={lastSave} onSaved={setLastSave} />;
}

function refusalOf(err: unknown): InvalidConfigDetails | null {
  if (err instanceof ApiRequestError && err.code === "invalid_config" && err.details && typeof err.details === "object") return err.details as InvalidConfigDetails;
  return null;
}

function Editor({
  env,
  scope,
  file,
  onDirtyChange,
  lastSave,
  onSaved,
}: {
  env: Environment;
  scope: EditScope;
  file: ConfigFile;
  onDirtyChange: (dirty: boolean) => void;
  lastSave: SaveConfigFileResult | null;
  onSaved: (r: SaveConfigFileResult) => void;
}) {
  const [draft, setDraft] = useState(file.content);
  const [reviewing, setReviewing] = useState(false);
  const [message, setMessage] = useState("");
  // A new saved version (after Save or a rollback) starts a fresh draft. After a Save the draft already is
  // that version, so the document is left alone and the cursor stays where it was.
  const [savedSha, setSavedSha] = useState(file.sha256);
  if (savedSha !== file.sha256) {
    setSavedSha(file.sha256);
    setDraft(file.content);
    setMessage("");
  }
  const editor = useRef<ReactCodeMirrorRef>(null);
  // Set when "Show line N" closes the review: the editor takes the focus instead of the button that opened it.
  const focusEditorOnClose = useRef(false);
  const save = useSaveFile(env.id, scope, file.path);
  const restart = useRestart(env.id);
  const dirty = draft !== file.content;
  const entry = file.entry;
  const busy = env.task?.status === "running";
  const appNodes = env.nodes.filter((n) => n.role === "app");
  const node = scope.kind === "node" ? env.nodes.find((n) => n.id === scope.nodeId) : undefined;
  const isAppScope = scope.kind === "layer" ? scope.layer === "app" : node?.role === "app";

  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const doSave = (apply: ApplyMode) =>
    save.mutate(
      { content: draft, baseSha256: file.sha256, apply, message: message.trim() || undefined },
      {
        onSuccess: (r) => {
          setReviewing(false);
          onSaved(r);
        },
      },
    );
  const refusal = refusalOf(save.error);
  // The refused line is marked in the editor (behind the review dialog too) and scrolled into view.
  useEffect(() => {
    const view = editor.current?.view;
    if (!view) return;
    markRefusedLine(view, refusal?.line ? { line: refusal.line, message: `${refusal.tool ?? "The check"}: ${refusal.output}` } : null);
  }, [refusal]);
  const showRefusedLine = () => {
    const view = editor.current?.view;
    if (!view || !refusal?.line) return;
    if (reviewing) {
      focusEditorOnClose.current = true;
      setReviewing(false);
    } else view.focus();
    markRefusedLine(view, { line: refusal.line, message: `${refusal.tool ?? "The check"}: ${refusal.output}` });
  };

  return (
    <div className="flex flex-col gap-4">
      <Card>
        <CardHeader className="items-center">
          <div className="min-w-0">
            <h2 className="flex items-center gap-2 font-mono text-sm font-semibold break-all" data-testid="open-file">
              {file.path}
              {dirty ? (
                <span className="inline-flex items-center gap-1 font-sans text-xs font-medium text-warning" data-testid="unsaved-marker">
                  <Circle aria-hidden className="size-2.5 fill-current" />
                  Unsaved changes
                </span>
              ) : null}
            </h2>
            <p className="mt-0.5 text-xs text-muted">
              {scope.kind === "layer" ? `Every node of the layer: ${file.scope.hostnames.join(", ")}` : file.scope.hostnames[0]} · {entry.description}
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            {entry.readOnly ? <Badge>Managed by Phleet</Badge> : null}
            {entry.validator ? <Badge tone="info" title="Checked on a staged copy before it replaces the live file">Checked by {entry.validator.split(" ")[0]}</Badge> : null}
            <Badge tone="neutral">{entry.reload === "graceful" ? "Graceful reload" : "Takes effect on restart"}</Badge>
          </div>
        </CardHeader>
        {file.differs.length ? (
          <div role="status" className="border-b border-border bg-warning/10 px-5 py-2 text-sm text-warning">
            The copies differ on: {file.differs.join(", ")}. Saving here writes this version to every node of the layer.
          </div>
        ) : null}
        <div className="border-b border-border">
          <CodeEditor editorRef={editor} value={draft} onChange={setDraft} language={entry.language} readOnly={entry.readOnly} label={`Contents of ${file.path}`} />
        </div>
        <CardBody className="flex flex-wrap items-center gap-2">
          <Button onClick={() => setReviewing(true)} disabled={!dirty || entry.readOnly || busy}>
            <GitCompare aria-hidden />
            Review &amp; save
          </Button>
          <Button
            variant="ghost"
            onClick={() => {
              setDraft(file.content);
              save.reset();
            }}
            disabled={!dirty}
          >
            <RotateCcw aria-hidden />
            Discard
          </Button>
          <span className="flex-1" />
          {scope.kind === "node" && node ? (
            <Button
              variant="secondary"
              onClick={() => restart.mutate({ layer: node.role, nodeIds: [node.id] })}
              pending={restart.isPending}
              disabled={busy}
            >
              <RotateCw aria-hidden />
              Restart node
            </Button>
          ) : null}
          {isAppScope ? (
            <Button variant="secondary" onClick={() => restart.mutate({ layer: "app" })} pending={restart.isPending} disabled={busy} title="One at a time; the balancer keeps serving">
              <RotateCw aria-hidden />
              Restart all app servers ({appNodes.length})
            </Button>
          ) : null}
        </CardBody>
      </Card>

      {save.isError && !reviewing ? <SaveError error={save.error} refusal={refusal} scopeSize={file.scope.hostnames.length} onShowLine={showRefusedLine} /> : null}
      {restart.isError ? <ErrorPanel title="Restart refused" message={restart.error.message} /> : null}
      {lastSave && lastSave.file.sha256 === file.sha256 && !dirty ? (
        <p role="status" className="text-sm text-success" data-testid="save-status">
          {saveStatus(lastSave)}
        </p>
      ) : null}

      <Dialog open={reviewing} onOpenChange={(o) => !save.isPending && setReviewing(o)}>
        <DialogContent
          title={`Review changes to ${entry.label}`}
          description="Red lines go, green lines come. Save checks the file on the node first."
          className="max-w-4xl"
          onCloseAutoFocus={(e) => {
            if (!focusEditorOnClose.current) return;
            focusEditorOnClose.current = false;
            e.preventDefault();
            editor.current?.view?.focus();
          }}
        >
          <div className="flex flex-col gap-3">
            <div className="overflow-hidden rounded-lg border border-border">
              <DiffView saved={file.content} draft={draft} language={entry.language} />
            </div>
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">Note for the history (optional)</span>
              <Input value={message} onChange={(e) => setMessage(e.target.value)} placeholder="e.g. longer session cookie name" maxLength={500} />
            </label>
            {save.isError ? <SaveError error={save.error} refusal={refusal} scopeSize={file.scope.hostnames.length} onShowLine={showRefusedLine} /> : null}
            <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
              <Button variant="ghost" onClick={() => setReviewing(false)} disabled={save.isPending}>
                Keep editing
              </Button>
              {isAppScope && scope.kind === "layer" ? (
                <Button variant="secondary" onClick={() => doSave("restart")} pending={save.isPending && save.variables?.apply === "restart"} disabled={save.isPending}>
                  <RotateCw aria-hidden />
                  Save &amp; restart all app servers
                </Button>
              ) : null}
              <Button onClick={() => doSave("none")} pending={save.isPending && save.variables?.apply === "none"} disabled={save.isPending}>
                <Save aria-hidden />
                Save
              </Button>
            </div>
          </div>
        </DialogContent>
      </Dialog>

      <RevisionHistory env={env} scope={scope} file={file} />
    </div>
  );
}

function SaveError({ error, refusal, scopeSize, onShowLine }: { error: Error; refusal: InvalidConfigDetails | null; scopeSize: number; onShowLine: () => void }) {
  if (!refusal) return <ErrorPanel title="Not saved" message={error.message} />;
  const failedOn = refusal.hostnames;
  const where = scopeSize > 1 && failedOn.length === scopeSize ? `on all ${scopeSize} nodes` : `on ${listOf(failedOn)}`;
  const stoppedElsewhere = refusal.line !== null && refusal.toolLine !== null && refusal.toolLine !== refusal.line;
  return (
    <ErrorPanel
      title={`Not saved: ${refusal.tool?.split(" ")[0] ?? "the check"} refused the file ${where}${refusal.line ? ` at line ${refusal.line}` : ""}`}
      message={
        <div data-testid="refusal">
          {refusal.line ? (
            <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
              <span data-testid="refused-line">
                Line {refusal.line} is the line you edited{stoppedElsewhere ? `; ${refusal.tool?.split(" ")[0] ?? "the tool"} stopped reading at line ${refusal.toolLine}` : ""}.
              </span>
              <Button variant="secondary" size="sm" onClick={onShowLine}>
                <LocateFixed aria-hidden />
                Show line {refusal.line}
              </Button>
            </p>
          ) : null}
          <pre className="mt-2 overflow-x-auto font-mono text-xs whitespace-pre-wrap" data-testid="validator-output">
            {refusal.output}
          </pre>
          <p className="mt-2 text-muted" data-testid="refused-on">
            Refused by {listOf(failedOn)}. Nothing on {scopeSize > 1 ? `the ${scopeSize} nodes` : refusal.hostname} was changed.
          </p>
        </div>
      }
    />
  );
}

const listOf = (names: string[]) => (names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`);

/** What a save did and what is left to do, for the number of nodes it went to. */
function saveStatus(r: SaveConfigFileResult): string {
  const hosts = r.file.scope.hostnames;
  const target = hosts.length === 1 ? hosts[0]! : `the ${hosts.length} nodes (${listOf(hosts)})`;
  const saved = r.revision ? "Saved" : "Saved (no change)";
  if (r.applied === "restart") return `${saved}; restarting ${hosts.length === 1 ? hosts[0] : `${target} one at a time`}.`;
  if (r.applied === "reload") return `${saved} and reloaded on ${target}.`;
  return `${saved}, not applied yet: restart ${target} for it to take effect.`;
}
