"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowUpRight, Globe, Lock, Plus, RefreshCw, ShieldAlert, ShieldCheck, Upload, X } from "lucide-react";
import { useState, type FormEvent } from "react";
import { fieldIssues } from "@/components/data/api";
import { certificateQuery, domainsQuery, useRenewCertificate, useSetCertificate, useSetDomains, useSetHttpsOptions } from "@/components/data/https";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Field, fieldAria } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { DomainName } from "@/server/contracts/https";
import type { Certificate } from "@/server/contracts/https";

/** Domains & HTTPS of an environment: its names, the balancer's certificate (state, expiry) and the HTTPS options. */
export function HttpsPanel({ envId }: { envId: string }) {
  const cert = useQuery(certificateQuery(envId));
  const domains = useQuery(domainsQuery(envId));
  return (
    <Card aria-labelledby="https-title" role="region" data-testid="https-panel">
      <CardHeader>
        <div className="min-w-0">
          <CardTitle id="https-title" className="flex items-center gap-2">
            <Lock aria-hidden className="size-4 text-muted" />
            Domains &amp; HTTPS
          </CardTitle>
          <p className="mt-1 text-sm text-muted">Names the balancer answers for and the certificate it serves them with.</p>
        </div>
        {cert.data?.httpsUrl ? (
          <a href={cert.data.httpsUrl} target="_blank" rel="noopener noreferrer" className="inline-flex items-center gap-1 rounded font-mono text-sm text-primary hover:underline" data-testid="https-url">
            {cert.data.httpsUrl}
            <ArrowUpRight aria-hidden className="size-3.5" />
            <span className="sr-only">(opens in a new tab)</span>
          </a>
        ) : null}
      </CardHeader>
      <CardBody>
        {cert.isPending || domains.isPending ? (
          <div className="grid gap-4 md:grid-cols-2" aria-busy="true" aria-label="Loading domains and certificate">
            <Skeleton className="h-32" />
            <Skeleton className="h-32" />
          </div>
        ) : cert.isError || domains.isError ? (
          <ErrorPanel
            title="Could not load domains and HTTPS"
            message={(cert.error ?? domains.error)?.message ?? ""}
            onRetry={() => void Promise.all([cert.refetch(), domains.refetch()])}
            retrying={cert.isFetching || domains.isFetching}
          />
        ) : !cert.data.available ? (
          <p className="flex items-start gap-2 text-sm text-muted" role="note">
            <ShieldAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-warning" />
            {cert.data.warning}
          </p>
        ) : (
          <div className="grid gap-6 md:grid-cols-2">
            <DomainsEditor envId={envId} domains={domains.data.domains} />
            <div className="flex flex-col gap-5">
              <CertificateSummary envId={envId} cert={cert.data} hasDomains={domains.data.domains.length > 0} />
              <HttpsOptions envId={envId} cert={cert.data} />
            </div>
          </div>
        )}
      </CardBody>
    </Card>
  );
}

function DomainsEditor({ envId, domains }: { envId: string; domains: string[] }) {
  const [draft, setDraft] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const save = useSetDomains(envId);
  const apiError = save.error ? (fieldIssues(save.error)[0]?.message ?? save.error.message) : null;
  const error = localError ?? apiError;

  function add(e: FormEvent) {
    e.preventDefault();
    const parsed = DomainName.safeParse(draft);
    if (!parsed.success) return setLocalError(`${draft.trim() || "This"} ${parsed.error.issues[0]?.message ?? "is not a host name"}`);
    if (domains.includes(parsed.data)) return setLocalError(`${parsed.data} is already listed`);
    setLocalError(null);
    save.mutate([...domains, parsed.data], { onSuccess: () => setDraft("") });
  }

  return (
    <section aria-labelledby="domains-title" className="flex min-w-0 flex-col gap-3">
      <h3 id="domains-title" className="text-sm font-semibold">
        Domains
      </h3>
      {domains.length ? (
        <ul className="flex flex-wrap gap-2" aria-label="Domains of this environment">
          {domains.map((d) => (
            <li key={d} className="inline-flex max-w-full items-center gap-1 rounded-full border border-border bg-surface-2 py-0.5 pr-1 pl-3 font-mono text-sm">
              <Globe aria-hidden className="size-3.5 shrink-0 text-muted" />
              <span className="truncate">{d}</span>
              <button
                type="button"
                className="rounded-full p-1 text-muted hover:bg-surface hover:text-fg disabled:opacity-50"
                aria-label={`Remove ${d}`}
                disabled={save.isPending}
                onClick={() => save.mutate(domains.filter((x) => x !== d))}
              >
                <X aria-hidden className="size-3.5" />
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-muted">No domain yet: the environment answers on its published address only. Point a domain&apos;s DNS at the balancer&apos;s host (at both, with two balancers), then add it.</p>
      )}
      <form onSubmit={add} className="flex flex-col gap-2" noValidate>
        <Field id="domain-new" label="Add a domain" error={error} hint="For example www.example.com">
          <div className="flex gap-2">
            <Input
              {...fieldAria("domain-new", error, true)}
              value={draft}
              onChange={(e) => {
                setDraft(e.target.value);
                setLocalError(null);
                save.reset();
              }}
              placeholder="www.example.com"
              autoComplete="off"
              spellCheck={false}
              inputMode="url"
            />
            <Button type="submit" variant="secondary" pending={save.isPending} disabled={!draft.trim()}>
              <Plus aria-hidden />
              Add
            </Button>
          </div>
        </Field>
      </form>
    </section>
  );
}

const SOURCE_LABEL: Record<NonNullable<Certificate["source"]>, string> = { acme: "Let's Encrypt (ACME)", uploaded: "Uploaded", "self-signed": "Self-signed" };

function stateBadge(cert: Certificate): { tone: BadgeTone; text: string } {
  if (cert.renewal.state === "issuing") return { tone: "info", text: "Ordering…" };
  if (cert.renewal.state === "failed") return { tone: "danger", text: "Renewal failed" };
  if (cert.daysLeft !== null && cert.daysLeft < 0) return { tone: "danger", text: "Expired" };
  if (cert.warning) return { tone: "warning", text: "Needs attention" };
  if (cert.source === "self-signed") return { tone: "neutral", text: "Self-signed" };
  return { tone: "success", text: "Valid" };
}

function CertificateSummary({ envId, cert, hasDomains }: { envId: string; cert: Certificate; hasDomains: boolean }) {
  const set = useSetCertificate(envId);
  const renew = useRenewCertificate(envId);
  const badge = stateBadge(cert);
  const issuing = cert.renewal.state === "issuing";
  const actionError = set.error ?? renew.error;
  const date = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }) : "—");
  return (
    <section aria-labelledby="cert-title" className="flex min-w-0 flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="cert-title" className="text-sm font-semibold">
          Certificate
        </h3>
        <span aria-live="polite" data-testid="certificate-state">
          <Badge tone={badge.tone}>
            {issuing ? <Spinner /> : badge.tone === "success" ? <ShieldCheck aria-hidden /> : null}
            {badge.text}
          </Badge>
        </span>
      </div>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1.5 text-sm">
        <dt className="text-muted">Source</dt>
        <dd data-testid="certificate-source">{cert.source ? SOURCE_LABEL[cert.source] : "—"}</dd>
        <dt className="text-muted">Names</dt>
        <dd className="font-mono break-all">{cert.names.join(", ") || "—"}</dd>
        <dt className="text-muted">Issuer</dt>
        <dd className="break-words">{cert.issuer ?? "—"}</dd>
        <dt className="text-muted">Expires</dt>
        <dd data-testid="certificate-expiry">
          <time dateTime={cert.notAfter ?? undefined}>{date(cert.notAfter)}</time>
          {cert.daysLeft !== null ? <span className="text-muted"> ({cert.daysLeft < 0 ? "expired" : `in ${cert.daysLeft} days`})</span> : null}
        </dd>
        {cert.acme ? (
          <>
            <dt className="text-muted">Renewal</dt>
            <dd>{cert.renewal.nextAttemptAt && !issuing ? `automatic, next ${date(cert.renewal.nextAttemptAt)}` : issuing ? "ordering now" : "automatic"}</dd>
          </>
        ) : null}
      </dl>
      {cert.renewal.state === "failed" && cert.renewal.error ? (
        <p role="alert" className="rounded-lg border border-danger/30 bg-danger/8 px-3 py-2 text-sm break-words">
          <span className="font-medium">The CA refused the last order: </span>
          {cert.renewal.error} <span className="text-muted">The previous certificate is still served; retried automatically.</span>
        </p>
      ) : cert.warning ? (
        <p role="status" className="rounded-lg border border-warning/30 bg-warning/8 px-3 py-2 text-sm">
          {cert.warning}
        </p>
      ) : null}
      {actionError ? (
        <p role="alert" className="text-sm text-danger">
          {actionError.message}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {cert.acme ? (
          <Button variant="secondary" size="sm" pending={renew.isPending} disabled={issuing} onClick={() => renew.mutate()}>
            <RefreshCw aria-hidden />
            Renew now
          </Button>
        ) : (
          <Button
            size="sm"
            pending={set.isPending}
            disabled={!hasDomains || issuing}
            title={hasDomains ? undefined : "Add a domain first"}
            onClick={() => set.mutate({ acme: true })}
            data-testid="enable-acme"
          >
            <ShieldCheck aria-hidden />
            Use Let&apos;s Encrypt
          </Button>
        )}
        <UploadDialog envId={envId} disabled={issuing} />
        {cert.source !== "self-signed" ? (
          <Button variant="ghost" size="sm" disabled={set.isPending || issuing} onClick={() => set.mutate({ selfSigned: true })}>
            Use self-signed
          </Button>
        ) : null}
      </div>
      {!hasDomains && !cert.acme ? <p className="text-sm text-muted">Let&apos;s Encrypt needs at least one domain that points at this host.</p> : null}
    </section>
  );
}

function UploadDialog({ envId, disabled }: { envId: string; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const [certificate, setCertificate] = useState("");
  const [key, setKey] = useState("");
  const set = useSetCertificate(envId);
  const issues = fieldIssues(set.error);
  const errorOf = (f: string) => issues.find((i) => i.path === f)?.message ?? null;
  const general = set.error && !issues.some((i) => i.path === "certificate" || i.path === "key") ? set.error.message : null;
  const area = "min-h-28 w-full rounded-lg border border-border-strong bg-surface px-3 py-2 font-mono text-xs aria-[invalid=true]:border-danger focus-visible:outline-2 focus-visible:outline-ring/40";
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) set.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm" disabled={disabled}>
          <Upload aria-hidden />
          Upload certificate
        </Button>
      </DialogTrigger>
      <DialogContent title="Upload a certificate" description="PEM: the site's certificate first, then its intermediates. The key is stored encrypted and written only into the balancer.">
        <form
          className="flex flex-col gap-4 px-5 py-4"
          onSubmit={(e) => {
            e.preventDefault();
            set.mutate({ certificate, key }, { onSuccess: () => setOpen(false) });
          }}
        >
          <Field id="cert-pem" label="Certificate chain" error={errorOf("certificate")}>
            <textarea {...fieldAria("cert-pem", errorOf("certificate"))} className={area} value={certificate} onChange={(e) => setCertificate(e.target.value)} placeholder="-----BEGIN CERTIFICATE-----" spellCheck={false} />
          </Field>
          <Field id="key-pem" label="Private key" error={errorOf("key")}>
            <textarea {...fieldAria("key-pem", errorOf("key"))} className={area} value={key} onChange={(e) => setKey(e.target.value)} placeholder="-----BEGIN PRIVATE KEY-----" spellCheck={false} />
          </Field>
          {general ? (
            <p role="alert" className="text-sm text-danger">
              {general}
            </p>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={set.isPending} disabled={!certificate.trim() || !key.trim()}>
              Check and install
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function HttpsOptions({ envId, cert }: { envId: string; cert: Certificate }) {
  const set = useSetHttpsOptions(envId);
  // What was clicked, held in local state: the mutation's own pending state reaches React a tick after the
  // click, and a controlled checkbox rendered in between snaps back to the saved value.
  const [clicked, setClicked] = useState<Partial<Record<"forceHttps" | "hsts", boolean>>>({});
  const opt = (name: "forceHttps" | "hsts", label: string, hint: string) => (
    <label className="flex items-start gap-3 text-sm">
      <input
        type="checkbox"
        className="mt-0.5 size-4 accent-[var(--color-primary)]"
        checked={clicked[name] ?? cert.options[name]}
        disabled={set.isPending || cert.renewal.state === "issuing"}
        onChange={(e) => {
          const value = e.target.checked;
          setClicked({ [name]: value });
          set.mutate({ [name]: value }, { onSettled: () => setClicked({}) });
        }}
        aria-describedby={`${name}-hint`}
      />
      <span>
        <span className="font-medium">{label}</span>
        <span id={`${name}-hint`} className="block text-muted">
          {hint}
        </span>
      </span>
    </label>
  );
  return (
    <fieldset className="flex flex-col gap-3 border-t border-border pt-4">
      <legend className="sr-only">HTTPS options</legend>
      {opt("forceHttps", "Redirect HTTP to HTTPS", "Also marks PHP session cookies Secure on every app server.")}
      {opt("hsts", "HSTS", "Browsers remember to use HTTPS for a year (Strict-Transport-Security).")}
      {set.error ? (
        <p role="alert" className="text-sm text-danger">
          {set.error.message}
        </p>
      ) : null}
    </fieldset>
  );
}
