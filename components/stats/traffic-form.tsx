"use client";

import { useQuery } from "@tanstack/react-query";
import { Send } from "lucide-react";
import { useState, type FormEvent } from "react";
import { fieldIssues } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { Field, fieldAria } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { TRAFFIC_LIMITS, type TrafficRun } from "@/server/contracts/stats";
import { trafficQuery, useSendTraffic } from "./data";
import { formatCount } from "./format";

type Key = "requests" | "ratePerSecond" | "sessions";
const FIELDS: { key: Key; label: string; hint: string; max: number }[] = [
  { key: "requests", label: "Requests", hint: `Up to ${formatCount(TRAFFIC_LIMITS.requests)}`, max: TRAFFIC_LIMITS.requests },
  { key: "ratePerSecond", label: "Rate (per second)", hint: `Up to ${TRAFFIC_LIMITS.ratePerSecond}`, max: TRAFFIC_LIMITS.ratePerSecond },
  { key: "sessions", label: "Sessions", hint: `Visitors with their own cookie, up to ${TRAFFIC_LIMITS.sessions}`, max: TRAFFIC_LIMITS.sessions },
];

/** A bounded burst of GET /counter.php through the balancer, to watch balancing and failover happen. */
export function TrafficForm({ environmentId }: { environmentId: string }) {
  const [values, setValues] = useState<Record<Key, string>>({ requests: "300", ratePerSecond: "30", sessions: "10" });
  const send = useSendTraffic(environmentId);
  const current = useQuery(trafficQuery(environmentId));
  const run = current.data ?? null;
  const running = run?.status === "running";
  const issues = fieldIssues(send.error);
  const issueFor = (k: Key) => issues.find((i) => i.path === k)?.message ?? null;

  const local = (k: Key, max: number): string | null => {
    const v = Number(values[k]);
    if (!values[k].trim() || !Number.isFinite(v)) return "Enter a number";
    if (v < 1) return "At least 1";
    if (v > max) return `At most ${formatCount(max)}`;
    if (k !== "ratePerSecond" && !Number.isInteger(v)) return "A whole number";
    return null;
  };
  const [touched, setTouched] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (FIELDS.some((f) => local(f.key, f.max))) return;
    send.mutate({ requests: Number(values.requests), ratePerSecond: Number(values.ratePerSecond), sessions: Number(values.sessions) });
  };

  const otherError = send.error && !issues.length ? send.error.message : null;

  return (
    <div className="flex flex-col gap-4">
      <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-3" aria-label="Send test traffic">
        {FIELDS.map((f) => {
          const id = `traffic-${f.key}`;
          const error = (touched ? local(f.key, f.max) : null) ?? issueFor(f.key);
          return (
            <Field key={f.key} id={id} label={f.label} hint={f.hint} error={error}>
              <Input
                {...fieldAria(id, error, true)}
                inputMode={f.key === "ratePerSecond" ? "decimal" : "numeric"}
                value={values[f.key]}
                onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
              />
            </Field>
          );
        })}
        <div className="flex flex-wrap items-center gap-3 sm:col-span-3">
          <Button type="submit" pending={send.isPending} disabled={running}>
            {send.isPending ? null : <Send aria-hidden />}
            Send test traffic
          </Button>
          <span className="text-xs text-muted">GET /counter.php through the balancer&apos;s published port on 127.0.0.1.</span>
        </div>
      </form>
      {otherError ? (
        <p role="alert" className="text-sm text-danger">
          {otherError}
        </p>
      ) : null}
      {run ? <RunProgress run={run} /> : null}
    </div>
  );
}

function RunProgress({ run }: { run: TrafficRun }) {
  const pct = Math.round((run.sent / run.requests) * 100);
  const nodes = Object.entries(run.byNode).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="rounded-lg border border-border bg-surface-2/50 p-3 text-sm" data-testid="traffic-run" data-status={run.status} aria-live="polite">
      <div className="flex items-baseline justify-between gap-3">
        <span className="font-medium">
          {run.status === "running" ? "Sending test traffic" : run.status === "succeeded" ? "Test traffic sent" : "Test traffic stopped"}
        </span>
        <span className="tabular-nums text-muted">
          {formatCount(run.sent)} / {formatCount(run.requests)}
        </span>
      </div>
      <div className="mt-2 h-1.5 overflow-hidden rounded-full bg-surface-2" role="progressbar" aria-label="Test traffic sent" aria-valuemin={0} aria-valuemax={run.requests} aria-valuenow={run.sent}>
        <div className={`h-full rounded-full ${run.status === "failed" ? "bg-danger" : "bg-primary"} transition-[width] duration-500`} style={{ width: `${pct}%` }} />
      </div>
      <p className="mt-2 text-xs text-muted tabular-nums">
        {formatCount(run.ok)} answered 2xx · {formatCount(run.failed)} failed · {run.distinctSessions} session{run.distinctSessions === 1 ? "" : "s"}
        {nodes.length ? ` · ${nodes.map(([n, c]) => `${n}: ${formatCount(c)}`).join(", ")}` : ""}
      </p>
      {run.error ? <p className="mt-1 text-xs text-danger">{run.error}</p> : null}
    </div>
  );
}
