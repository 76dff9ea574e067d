"use client";

import { useQuery } from "@tanstack/react-query";
import { Server, TerminalSquare } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { fieldIssues } from "@/components/data/api";
import { fetchJoinCommand, hostsQuery, useHostAction, useHostLabels } from "@/components/data/hosts";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Field, fieldAria } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import type { Host } from "@/server/contracts/hosts";

const stateTone = (state: string): BadgeTone => (state === "ready" ? "success" : state === "down" || state === "disconnected" ? "danger" : "warning");
const availabilityTone = (a: string): BadgeTone => (a === "active" ? "neutral" : "warning");
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** The hosts of a Swarm installation, what runs on each, drain and activate, and how to add one. */
export function HostsPage() {
  const q = useQuery(hostsQuery());
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Hosts</h1>
        <p className="mt-1 text-sm text-muted">The machines Phleet runs nodes on. Draining a host moves its nodes to the others, each provisioned before it starts.</p>
      </div>
      {q.isPending ? (
        <Card className="flex flex-col gap-3 p-4" aria-busy="true" aria-label="Loading the hosts">
          {Array.from({ length: 3 }, (_, i) => (
            <Skeleton key={i} className="h-16 w-full" />
          ))}
        </Card>
      ) : q.isError ? (
        <ErrorPanel title="Could not load the hosts" message={q.error.message} onRetry={() => void q.refetch()} retrying={q.isFetching} />
      ) : q.data.mode === "single-engine" ? (
        <Card className="flex flex-col items-center gap-2 p-10 text-center">
          <Server aria-hidden className="size-8 text-muted" />
          <p className="font-medium">One Docker engine</p>
          <p className="max-w-prose text-sm text-muted">
            Every node runs on this machine&apos;s engine. To spread environments over several machines, run Phleet with <code>PHLEET_SWARM_HOSTS</code> pointing at a Docker
            Swarm (README, &quot;Several hosts on Docker Swarm&quot;).
          </p>
        </Card>
      ) : (
        <>
          <ul aria-label="Hosts" className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            {q.data.hosts.map((h) => (
              <HostCard key={h.id} host={h} />
            ))}
          </ul>
          <JoinCommand />
        </>
      )}
    </div>
  );
}

function HostCard({ host: h }: { host: Host }) {
  const action = useHostAction();
  const drained = h.availability === "drain";
  return (
    <li>
      <Card className="flex h-full flex-col gap-3 p-4">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="font-semibold">{h.name}</h2>
          <Badge tone={stateTone(h.state)}>{h.state}</Badge>
          <Badge tone={availabilityTone(h.availability)}>{h.availability}</Badge>
          <Badge>{h.role}</Badge>
          {!h.reachable ? <Badge tone="warning">engine not configured</Badge> : null}
        </div>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
          <dt className="text-muted">Address</dt>
          <dd className="font-mono">{h.address || "-"}</dd>
          <dt className="text-muted">Engine</dt>
          <dd>{h.engineVersion || "-"}</dd>
          <dt className="text-muted">CPUs</dt>
          <dd>{h.cpus}</dd>
          <dt className="text-muted">Memory</dt>
          <dd>{gib(h.memoryBytes)}</dd>
        </dl>
        {Object.keys(h.labels).length ? (
          <p className="flex flex-wrap gap-1 text-xs">
            {Object.entries(h.labels).map(([k, v]) => (
              <Badge key={k}>
                {k}={v}
              </Badge>
            ))}
          </p>
        ) : null}
        <div>
          <h3 className="text-xs font-medium text-muted">Phleet nodes</h3>
          {h.nodes.length ? (
            <ul className="mt-1 flex flex-col gap-1 text-sm">
              {h.nodes.map((n) => (
                <li key={n.nodeId} className="flex flex-wrap items-center gap-2">
                  <Link className="underline-offset-2 hover:underline" href={`/environments/${n.environmentId}`}>
                    {n.hostname ?? n.nodeId}
                  </Link>
                  <span className="text-muted">
                    {n.role} of {n.environmentName ?? n.environmentId}
                  </span>
                  <Badge tone={n.state === "running" ? "success" : "warning"}>{n.state}</Badge>
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-1 text-sm text-muted">None</p>
          )}
        </div>
        <div className="mt-auto flex flex-wrap items-center gap-2">
          <Button variant="secondary" size="sm" pending={action.isPending} onClick={() => action.mutate({ id: h.id, action: drained ? "activate" : "drain" })}>
            {drained ? `Activate ${h.name}` : `Drain ${h.name}`}
          </Button>
          <LabelsDialog host={h} />
          {action.isError ? (
            <p role="alert" className="text-sm text-danger">
              {action.error.message}
            </p>
          ) : null}
        </div>
      </Card>
    </li>
  );
}

/** One `key=value` per line, as the labels are shown. */
const labelsText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join("\n");
function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const eq = line.indexOf("=");
    labels[eq < 0 ? line : line.slice(0, eq).trim()] = eq < 0 ? "" : line.slice(eq + 1).trim();
  }
  return labels;
}

function LabelsDialog({ host: h }: { host: Host }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const save = useHostLabels(h.id);
  const issues = fieldIssues(save.error);
  const error = issues.length ? issues.map((i) => i.message).join("; ") : (save.error?.message ?? null);
  const id = `labels-${h.id}`;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) setText(labelsText(h.labels));
        else save.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm">
          Labels
          <span className="sr-only"> of {h.name}</span>
        </Button>
      </DialogTrigger>
      <DialogContent title={`Labels of ${h.name}`} description="Swarm node labels, for placement of your own (a zone, say). They replace the host's current labels.">
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(parseLabels(text), { onSuccess: () => setOpen(false) });
          }}
        >
          <Field id={id} label="One key=value per line" error={error}>
            <textarea
              {...fieldAria(id, error)}
              className="min-h-28 w-full rounded-lg border border-border-strong bg-surface px-3 py-2 font-mono text-xs focus-visible:outline-2 focus-visible:outline-ring/40 aria-[invalid=true]:border-danger"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="zone=eu-1a"
              spellCheck={false}
            />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={save.isPending}>
              Save labels
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function JoinCommand() {
  const [command, setCommand] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <Card className="flex flex-col gap-3 p-4">
      <h2 className="font-semibold">Add a host</h2>
      <p className="text-sm text-muted">Run this on a new machine with Docker installed; it joins the Swarm as a worker. It holds the Swarm&apos;s join token: keep it secret.</p>
      {command ? (
        <div className="flex flex-wrap items-center gap-2">
          <code className="min-w-0 flex-1 break-all rounded-md bg-surface-2 p-2 text-xs">{command}</code>
          <CopyButton text={command} label="Copy the join command" />
        </div>
      ) : (
        <div>
          <Button
            variant="secondary"
            size="sm"
            pending={pending}
            onClick={() => {
              setPending(true);
              setError(null);
              fetchJoinCommand()
                .then((c) => setCommand(c ?? null))
                .catch((e: Error) => setError(e.message))
                .finally(() => setPending(false));
            }}
          >
            <TerminalSquare aria-hidden />
            Show the join command
          </Button>
        </div>
      )}
      {error ? (
        <p role="alert" className="text-sm text-danger">
          {error}
        </p>
      ) : null}
    </Card>
  );
}
