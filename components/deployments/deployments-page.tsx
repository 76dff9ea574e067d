"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ChevronLeft, GitBranch, RotateCcw, Upload } from "lucide-react";
import Link from "next/link";
import { useRef, useState, type DragEvent } from "react";
import { ApiRequestError } from "@/components/data/api";
import { environmentQuery } from "@/components/data/environments";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Field, fieldAria } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import type { Deployment } from "@/server/contracts/deployments";
import { activate, archiveTypeOf, deploymentKeys, deploymentsQuery, deployGit, uploadArchive } from "./data";
import { VariablesEditor } from "./variables-editor";

const STATUS_TONE: Record<Deployment["status"], BadgeTone> = { pending: "info", running: "info", succeeded: "success", failed: "danger", rolled_back: "warning" };
const errorText = (e: unknown) => (e instanceof ApiRequestError || e instanceof Error ? e.message : String(e));
const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

export function DeploymentsPage({ id }: { id: string }) {
  const env = useQuery(environmentQuery(id));
  const list = useQuery(deploymentsQuery(id));
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <Link href={`/environments/${id}`} className="inline-flex w-fit items-center gap-1 text-sm text-muted hover:text-fg">
        <ChevronLeft aria-hidden className="size-4" />
        {env.data?.name ?? "Environment"}
      </Link>
      <div>
        <h1 className="text-2xl font-semibold">Deployments</h1>
        <p className="text-sm text-muted">Deploy your PHP application from an archive or Git. App servers switch one at a time and are checked before the next.</p>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <UploadCard id={id} />
        <GitCard id={id} />
      </div>
      {list.isPending ? (
        <Skeleton className="h-40" />
      ) : list.isError ? (
        <ErrorPanel title="Could not load the releases" message={errorText(list.error)} />
      ) : (
        <>
          <LiveProgress items={list.data} />
          <History id={id} items={list.data} />
        </>
      )}
      <VariablesEditor id={id} />
    </div>
  );
}

function UploadCard({ id }: { id: string }) {
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [docroot, setDocroot] = useState("");
  const [message, setMessage] = useState("");
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const pick = (f: File | undefined) => {
    setError(null);
    if (!f) return;
    if (!archiveTypeOf(f.name)) return setError(`${f.name} is not a .zip, .tar or .tar.gz archive`);
    setFile(f);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    pick(e.dataTransfer.files[0]);
  };
  async function submit() {
    if (!file) return setError("Choose an archive first");
    setError(null);
    setProgress(0);
    try {
      await uploadArchive(id, file, { docroot, message }, setProgress);
      setFile(null);
      setMessage("");
      await qc.invalidateQueries({ queryKey: deploymentKeys.list(id) });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setProgress(null);
    }
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle>Upload an archive</CardTitle>
      </CardHeader>
      <CardBody className="flex flex-col gap-4">
        <div
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
          data-testid="drop-zone"
          className={`flex flex-col items-center gap-2 rounded-lg border-2 border-dashed p-6 text-center text-sm ${over ? "border-primary bg-primary/5" : "border-border-strong"}`}
        >
          <Upload aria-hidden className="size-6 text-muted" />
          <p>{file ? <strong>{file.name}</strong> : "Drop a .zip, .tar or .tar.gz here"}</p>
          {file ? <p className="text-muted">{size(file.size)}</p> : null}
          <label className="cursor-pointer text-primary underline">
            or choose a file
            <input ref={input} type="file" accept=".zip,.tar,.tgz,.gz" className="sr-only" aria-label="Archive to deploy" onChange={(e) => pick(e.target.files?.[0])} />
          </label>
        </div>
        <Field id="upload-docroot" label="Document root (optional)" hint="A folder inside the archive to serve, e.g. public">
          <Input {...fieldAria("upload-docroot", null, true)} value={docroot} onChange={(e) => setDocroot(e.target.value)} placeholder="public" />
        </Field>
        <Field id="upload-message" label="Message (optional)">
          <Input id="upload-message" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={500} />
        </Field>
        {progress !== null ? (
          <div className="flex flex-col gap-1">
            <div role="progressbar" aria-label="Upload" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)} className="h-2 overflow-hidden rounded bg-surface-2">
              <div className="h-full bg-primary transition-all" style={{ width: `${Math.round(progress * 100)}%` }} />
            </div>
            <p className="text-sm text-muted">{progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : "Checking the archive…"}</p>
          </div>
        ) : null}
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
        <Button onClick={submit} pending={progress !== null} disabled={!file}>
          Deploy archive
        </Button>
      </CardBody>
    </Card>
  );
}

function GitCard({ id }: { id: string }) {
  const qc = useQueryClient();
  const [url, setUrl] = useState("");
  const [ref, setRef] = useState("");
  const [path, setPath] = useState("");
  const [docroot, setDocroot] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit() {
    setError(null);
    setPending(true);
    try {
      await deployGit(id, { git: { url, ...(ref ? { ref } : {}), ...(path ? { path } : {}) }, docroot });
      await qc.invalidateQueries({ queryKey: deploymentKeys.list(id) });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setPending(false);
    }
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle>Deploy from Git</CardTitle>
      </CardHeader>
      <CardBody className="flex flex-col gap-4">
        <Field id="git-url" label="Repository URL">
          <Input id="git-url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/acme/shop.git" />
        </Field>
        <div className="grid gap-4 sm:grid-cols-3 sm:items-end">
          <Field id="git-ref" label="Ref (branch, tag, commit)">
            <Input id="git-ref" value={ref} onChange={(e) => setRef(e.target.value)} placeholder="main" />
          </Field>
          <Field id="git-path" label="Sub-folder">
            <Input id="git-path" value={path} onChange={(e) => setPath(e.target.value)} />
          </Field>
          <Field id="git-docroot" label="Document root">
            <Input id="git-docroot" value={docroot} onChange={(e) => setDocroot(e.target.value)} placeholder="public" />
          </Field>
        </div>
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
        <Button variant="secondary" onClick={submit} pending={pending} disabled={!url}>
          <GitBranch aria-hidden />
          Deploy from Git
        </Button>
      </CardBody>
    </Card>
  );
}

/** The newest rollout's steps, live: one per app server. */
function LiveProgress({ items }: { items: Deployment[] }) {
  const latest = [...items].filter((d) => d.task).sort((a, b) => (b.task!.createdAt > a.task!.createdAt ? 1 : -1))[0];
  if (!latest?.task) return null;
  const t = latest.task;
  return (
    <Card aria-live="polite" data-testid="deployment-progress" className="min-w-0">
      <CardHeader>
        <CardTitle>
          {t.kind === "deployment.activate" ? "Rollback" : "Deployment"} {latest.id.slice(0, 8)}: {t.status}
        </CardTitle>
      </CardHeader>
      <CardBody>
        <ol className="flex flex-col gap-2 text-sm">
          {t.steps.map((s) => (
            <li key={s.key} className="flex flex-col gap-0.5">
              <span className="flex items-center gap-2">
                <Badge tone={s.status === "succeeded" ? "success" : s.status === "failed" ? "danger" : s.status === "running" ? "info" : "neutral"}>{s.status}</Badge>
                {s.title}
              </span>
              {s.message ? <pre className="ml-2 max-w-full whitespace-pre-wrap break-all text-xs text-muted">{s.message}</pre> : null}
            </li>
          ))}
        </ol>
        {t.error ? <p className="mt-3 text-sm text-danger">{t.error}</p> : null}
      </CardBody>
    </Card>
  );
}

function History({ id, items }: { id: string; items: Deployment[] }) {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  async function rollBack(d: Deployment) {
    setError(null);
    setBusy(d.id);
    try {
      await activate(id, d.id);
      await qc.invalidateQueries({ queryKey: deploymentKeys.list(id) });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }
  const running = items.some((d) => d.status === "running" || d.status === "pending" || d.task?.status === "running");
  return (
    <Card className="min-w-0 max-w-full">
      <CardHeader>
        <CardTitle>Releases</CardTitle>
      </CardHeader>
      <CardBody className="overflow-x-auto">
        {error ? (
          <p role="alert" className="mb-3 text-sm text-danger">
            {error}
          </p>
        ) : null}
        <table className="w-full text-left text-sm" data-testid="releases">
          <thead className="text-muted">
            <tr>
              <th className="py-2 pr-3 font-medium">Status</th>
              <th className="py-2 pr-3 font-medium">Release</th>
              <th className="py-2 pr-3 font-medium">Who, when</th>
              <th className="hidden py-2 pr-3 font-medium sm:table-cell">Size</th>
              <th className="hidden py-2 pr-3 font-medium md:table-cell">SHA-256</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} className="border-t border-border align-top" data-testid={`release-${d.id}`}>
                <td className="py-2 pr-3">
                  <div className="flex flex-wrap gap-1">
                    <Badge tone={STATUS_TONE[d.status]}>{d.status.replace("_", " ")}</Badge>
                    {d.current ? <Badge tone="success">current</Badge> : null}
                  </div>
                </td>
                <td className="py-2 pr-3">
                  <div className="font-medium">{d.message ?? (d.source.type === "demo" ? "Demo app" : d.id.slice(0, 8))}</div>
                  <div className="text-xs text-muted">
                    {d.source.type === "git" ? `git ${d.source.url} ${d.source.ref ?? ""} ${d.source.commit.slice(0, 10)}` : d.source.type}
                    {d.docroot ? ` · docroot ${d.docroot}` : ""}
                  </div>
                  {d.error ? <div className="mt-1 text-xs text-danger">{d.error}</div> : null}
                </td>
                <td className="py-2 pr-3">
                  {d.author}
                  <div className="text-xs text-muted">
                    <time dateTime={d.createdAt}>{new Date(d.createdAt).toLocaleString()}</time>
                  </div>
                  <div className="text-xs text-muted sm:hidden">
                    {size(d.sizeBytes)} · {d.sha256.slice(0, 12)}
                  </div>
                </td>
                <td className="hidden py-2 pr-3 whitespace-nowrap sm:table-cell">
                  {size(d.sizeBytes)}
                  <div className="text-xs text-muted">
                    {d.fileCount} file{d.fileCount === 1 ? "" : "s"}
                  </div>
                </td>
                <td className="hidden py-2 pr-3 font-mono text-xs md:table-cell" title={d.sha256}>
                  {d.sha256.slice(0, 12)}
                </td>
                <td className="py-2 text-right">
                  {!d.current && (d.status === "succeeded" || d.status === "rolled_back") ? (
                    <Button size="sm" variant="secondary" onClick={() => rollBack(d)} pending={busy === d.id} disabled={running} aria-label={`Roll back to ${d.message ?? d.id}`}>
                      <RotateCcw aria-hidden />
                      Roll back
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </CardBody>
    </Card>
  );
}
