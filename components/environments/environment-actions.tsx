"use client";

import { Play, RotateCw, Square } from "lucide-react";
import { useState } from "react";
import { useEnvironmentAction } from "@/components/data/environment-actions";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogTrigger } from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import type { Environment, EnvironmentAction } from "@/server/contracts/environment";

const ACTION: Record<EnvironmentAction, { label: string; icon: typeof Play; consequence: (env: Environment) => string }> = {
  stop: {
    label: "Stop",
    icon: Square,
    consequence: (env) =>
      `Stops all ${env.nodes.length} containers of ${env.name}: the balancer first, then the app servers, then the session store. The URL stops answering and sessions held in memory are lost. They stay stopped until you start the environment.`,
  },
  start: {
    label: "Start",
    icon: Play,
    consequence: (env) => `Starts every node of ${env.name}: the session store, then the app servers, then the balancer, each layer healthy before the next.`,
  },
  restart: {
    label: "Restart",
    icon: RotateCw,
    consequence: (env) =>
      `Restarts the ${env.nodes.filter((n) => n.role === "app").length} app servers of ${env.name} one at a time (rolling): each is drained from the balancer first and put back once healthy, so the environment keeps serving. The session store and the balancer keep running; sessions are kept.`,
  },
};

/** Environment-wide Stop / Start / Restart (rolling), each confirmed with what it does. */
export function EnvironmentActions({ env }: { env: Environment }) {
  const mutation = useEnvironmentAction(env.id);
  const busy = env.status !== "running" || env.task?.status === "running" || env.task?.status === "pending" || mutation.isPending;
  const anyStopped = env.nodes.some((n) => n.desiredState === "stopped" || n.status === "stopped");
  const anyUp = env.health !== "stopped";
  const actions: EnvironmentAction[] = [...(anyUp ? (["restart", "stop"] as const) : []), ...(anyStopped ? (["start"] as const) : [])];
  return (
    <>
      {actions.map((a) => (
        <Confirm key={a} env={env} action={a} disabled={busy} pending={mutation.isPending && mutation.variables === a} onConfirm={() => mutation.mutate(a)} />
      ))}
      {mutation.isError ? (
        <p role="alert" className="basis-full text-sm text-danger">
          {mutation.error.message}
        </p>
      ) : null}
    </>
  );
}

function Confirm({ env, action, disabled, pending, onConfirm }: { env: Environment; action: EnvironmentAction; disabled: boolean; pending: boolean; onConfirm: () => void }) {
  const [open, setOpen] = useState(false);
  const { label, icon: Icon, consequence } = ACTION[action];
  const title = action === "restart" ? `Restart ${env.name} (rolling)?` : `${label} ${env.name}?`;
  return (
    <AlertDialog open={open} onOpenChange={setOpen}>
      <AlertDialogTrigger asChild>
        <Button variant="secondary" disabled={disabled} pending={pending} aria-label={`${label} the environment${action === "restart" ? " (rolling)" : ""}`}>
          {pending ? null : <Icon aria-hidden />}
          {label}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent
        title={title}
        description={consequence(env)}
        footer={
          <>
            <AlertDialogCancel asChild>
              <Button variant="secondary">Cancel</Button>
            </AlertDialogCancel>
            <Button
              variant={action === "stop" ? "danger" : "primary"}
              onClick={() => {
                onConfirm();
                setOpen(false);
              }}
            >
              <Icon aria-hidden />
              {action === "restart" ? "Restart one at a time" : `${label} the environment`}
            </Button>
          </>
        }
      />
    </AlertDialog>
  );
}
