"use client";

import { useQuery } from "@tanstack/react-query";
import { Gauge } from "lucide-react";
import { useState, type FormEvent } from "react";
import type { LayerLimits, LimitLayer, ResourceLimits } from "@/server/contracts/limits";
import { LIMIT_BOUNDS } from "@/server/contracts/limits";
import { fieldIssues } from "@/components/data/api";
import { layerLimitsQuery, useSetLayerLimits } from "@/components/data/limits";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Spinner } from "@/components/ui/spinner";

const fmt = (l: ResourceLimits) => `${l.memoryMb} MB · ${l.cpus} CPU · ${l.pids} processes`;

/** A layer's resource limits (vertical scaling): a compact button in the layer header opens the editor. */
export function LayerLimitsControl({ envId, layer, title }: { envId: string; layer: LimitLayer; title: string }) {
  const [open, setOpen] = useState(false);
  const q = useQuery({ ...layerLimitsQuery(envId, layer), enabled: open });
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" className="-my-1 ml-auto h-7 px-2 text-xs font-normal text-muted" aria-label={`Resource limits of the ${title.toLowerCase()} layer`}>
          <Gauge aria-hidden className="size-3.5" />
          Limits
        </Button>
      </DialogTrigger>
      <DialogContent title={`${title}: resource limits`} description="Per node of this layer. Applied to the running nodes in place, without a restart, and to nodes created later.">
        {q.isPending ? (
          <p className="flex items-center gap-2 text-sm text-muted" role="status">
            <Spinner /> Loading the limits…
          </p>
        ) : q.isError ? (
          <p className="text-sm text-danger" role="alert">
            {q.error.message}
          </p>
        ) : (
          <LimitsForm key={JSON.stringify(q.data.limits)} envId={envId} layer={layer} data={q.data} onDone={() => setOpen(false)} />
        )}
      </DialogContent>
    </Dialog>
  );
}

function LimitsForm({ envId, layer, data, onDone }: { envId: string; layer: LimitLayer; data: LayerLimits; onDone: () => void }) {
  const [values, setValues] = useState({ memoryMb: String(data.limits.memoryMb), cpus: String(data.limits.cpus), pids: String(data.limits.pids) });
  const save = useSetLayerLimits(envId, layer);
  const issues = fieldIssues(save.error);
  const errorOf = (k: keyof ResourceLimits) => issues.find((i) => i.path === k)?.message ?? null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ memoryMb: Number(values.memoryMb), cpus: Number(values.cpus), pids: Number(values.pids) }, { onSuccess: onDone });
  };
  const input = (k: keyof ResourceLimits, step: string) => (
    <Input
      id={`limits-${layer}-${k}`}
      type="number"
      inputMode="decimal"
      step={step}
      min={LIMIT_BOUNDS[k].min}
      max={LIMIT_BOUNDS[k].max}
      required
      value={values[k]}
      onChange={(e) => setValues((v) => ({ ...v, [k]: e.target.value }))}
      aria-invalid={errorOf(k) ? true : undefined}
      aria-describedby={errorOf(k) ? `limits-${layer}-${k}-error` : `limits-${layer}-${k}-hint`}
    />
  );
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id={`limits-${layer}-memoryMb`} label="Memory (MB)" hint={`Default ${data.defaults.memoryMb}`} error={errorOf("memoryMb")}>
          {input("memoryMb", "1")}
        </Field>
        <Field id={`limits-${layer}-cpus`} label="CPU (cores)" hint={`Default ${data.defaults.cpus}`} error={errorOf("cpus")}>
          {input("cpus", "0.1")}
        </Field>
        <Field id={`limits-${layer}-pids`} label="Processes" hint={`Default ${data.defaults.pids}`} error={errorOf("pids")}>
          {input("pids", "1")}
        </Field>
      </div>
      <p className="text-sm text-muted">
        {data.custom ? "This layer has its own limits." : "This layer uses the defaults of"} {data.custom ? null : <code className="font-mono">{data.nodeType}</code>}
        {data.custom ? ` Defaults: ${fmt(data.defaults)}.` : "."}
      </p>
      {save.isError && !issues.length ? (
        <p className="text-sm text-danger" role="alert">
          {save.error.message}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        {data.custom ? (
          <Button
            type="button"
            variant="secondary"
            onClick={() => setValues({ memoryMb: String(data.defaults.memoryMb), cpus: String(data.defaults.cpus), pids: String(data.defaults.pids) })}
          >
            Use defaults
          </Button>
        ) : null}
        <Button type="submit" pending={save.isPending}>
          Apply
        </Button>
      </div>
    </form>
  );
}
