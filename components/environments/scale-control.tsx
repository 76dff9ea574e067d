"use client";

import { type FormEvent, useState } from "react";
import { useScaleEnvironment } from "@/components/data/environment-actions";
import { Button } from "@/components/ui/button";
import { Stepper } from "@/components/ui/stepper";
import { LIMITS, type Environment } from "@/server/contracts/environment";

/**
 * The app layer's count with - / + and an Apply button: PATCH /api/v1/environments/{id}. The task
 * that follows (start and join, or drain and remove) shows in the progress panel beside the topology.
 */
export function ScaleControl({ env, count }: { env: Environment; count: number }) {
  const [value, setValue] = useState(String(count));
  const scale = useScaleEnvironment(env.id);
  const n = Number(value);
  const valid = /^\d+$/.test(value) && n >= LIMITS.appServers.min && n <= LIMITS.appServers.max;
  const busy = env.status !== "running" || env.task?.status === "running" || env.task?.status === "pending";
  const changed = valid && n !== count;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (changed && !busy && !scale.isPending) scale.mutate(n);
  }

  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-2" aria-label="Scale the app servers" data-testid="scale-control">
      <label htmlFor="scale-app-count" className="text-xs text-muted">
        Count
      </label>
      <Stepper
        id="scale-app-count"
        value={value}
        onChange={(v) => {
          setValue(v);
          if (scale.isError) scale.reset();
        }}
        min={LIMITS.appServers.min}
        max={LIMITS.appServers.max}
        unit="app servers"
        invalid={!valid}
        describedBy="scale-app-count-hint"
      />
      <Button type="submit" size="sm" disabled={!changed || busy} pending={scale.isPending}>
        {changed ? `Scale to ${n}` : "Scale"}
      </Button>
      <p id="scale-app-count-hint" className={valid && !scale.isError ? "sr-only" : "basis-full text-xs text-danger"} role={scale.isError ? "alert" : undefined}>
        {scale.isError
          ? scale.error.message
          : valid
            ? `${LIMITS.appServers.min} to ${LIMITS.appServers.max} app servers; new ones join the balancer once healthy, leaving ones are drained first.`
            : `Enter a whole number from ${LIMITS.appServers.min} to ${LIMITS.appServers.max}.`}
      </p>
    </form>
  );
}
