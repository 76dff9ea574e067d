"use client";

import { Play, RotateCw, Square } from "lucide-react";
import { useState } from "react";
import { useNodeAction } from "@/components/data/environments";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogTrigger } from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { Environment, EnvironmentNode, NodeAction } from "@/server/contracts/environment";
import { typeLabel } from "./labels";
import { NodeIcon } from "./node-icon";
import { NodeInfoDialog } from "./node-info-dialog";
import { NodeTools } from "./node-tools";
import { NodeStatusBadge } from "./status-badge";

const UP = new Set<EnvironmentNode["status"]>(["running", "starting", "unhealthy", "restarting", "paused"]);
const PENDING_LABEL: Record<NodeAction, string> = { restart: "Restarting…", stop: "Stopping…", start: "Starting…" };

function consequence(node: EnvironmentNode, action: NodeAction): string {
  const what = action === "stop" ? "stops until you start it again" : action === "restart" ? "stops and starts again" : "starts";
  const effect =
    action === "start"
      ? "It rejoins the environment with the same hostname and IP."
      : node.role === "app"
        ? "Meanwhile the balancer sends its requests to the other app servers; sessions live in the session store and are kept."
        : node.role === "balancer"
          ? "Meanwhile the environment URL does not answer."
          : "Meanwhile PHP cannot read sessions from it; sessions held only in its memory may be lost.";
  return `The container ${node.containerName} ${what}. ${effect}`;
}

export function NodeCard({ node, env }: { node: EnvironmentNode; env: Environment }) {
  const mutation = useNodeAction(env.id);
  const pending = mutation.isPending ? mutation.variables?.action : null;
  const actionable = env.status === "running" || env.status === "failed";
  const up = UP.has(node.status);

  return (
    <Card className="flex h-full flex-col" data-testid="node-card" data-node-role={node.role} data-hostname={node.hostname}>
      <div className="flex items-start gap-3 p-4">
        <span className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-primary/10 text-primary">
          <NodeIcon role={node.role} type={node.type} className="size-5" />
        </span>
        <div className="min-w-0 flex-1">
          <h4 className="text-sm leading-snug font-semibold break-words">
            {typeLabel(node.type)}
          </h4>
          <p className="truncate font-mono text-xs text-muted" title={node.hostname}>
            {node.hostname}
          </p>
        </div>
        <span aria-live="polite" data-testid="node-status">
          <NodeStatusBadge status={node.status} pending={pending ? PENDING_LABEL[pending] : null} queued={env.status === "creating"} />
        </span>
      </div>
      <dl className="mx-4 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 rounded-lg bg-surface-2/70 px-3 py-2 text-xs">
        <dt className="text-muted">IP</dt>
        <dd className="truncate text-right font-mono">{node.ip}</dd>
      </dl>
      {node.pendingRestart.length ? (
        <p className="mx-4 mt-3 rounded-md border border-warning/40 bg-warning/10 px-2.5 py-1.5 text-xs" data-testid="restart-needed">
          <span className="font-semibold">Restart needed:</span> <span className="break-all">{node.pendingRestart.join(", ")}</span> saved but not
          applied; it runs the old values until you restart it.
        </p>
      ) : null}
      {mutation.isError ? (
        <p role="alert" className="mx-4 mt-3 rounded-md border border-danger/30 bg-danger/8 px-2.5 py-1.5 text-xs text-danger">
          {mutation.error.message}
        </p>
      ) : null}
      <div className="mt-auto flex flex-wrap items-center gap-2 p-4 pt-3">
        <NodeInfoDialog node={node} env={env} />
        <NodeTools envId={env.id} node={node} />
        <div className="ml-auto flex gap-2">
          <ConfirmAction
            node={node}
            action="restart"
            disabled={!actionable || !!pending || node.status === "missing"}
            pending={pending === "restart"}
            onConfirm={() => mutation.mutate({ nodeId: node.id, action: "restart" })}
          />
          {up ? (
            <ConfirmAction
              node={node}
              action="stop"
              disabled={!actionable || !!pending}
              pending={pending === "stop"}
              onConfirm={() => mutation.mutate({ nodeId: node.id, action: "stop" })}
            />
          ) : (
            <ConfirmAction
              node={node}
              action="start"
              disabled={!actionable || !!pending || node.status === "missing"}
              pending={pending === "start"}
              onConfirm={() => mutation.mutate({ nodeId: node.id, action: "start" })}
            />
          )}
        </div>
      </div>
    </Card>
  );
}

const ACTION = {
  restart: { label: "Restart", icon: RotateCw },
  stop: { label: "Stop", icon: Square },
  start: { label: "Start", icon: Play },
} as const;

function ConfirmAction({
  node,
  action,
  disabled,
  pending,
  onConfirm,
}: {
  node: EnvironmentNode;
  action: NodeAction;
  disabled: boolean;
  pending: boolean;
  onConfirm: () => void;
}) {
  const [open, setOpen] = useState(false);
  const { label, icon: Icon } = ACTION[action];
  return (
    <AlertDialog open={open} onOpenChange={setOpen}>
      <AlertDialogTrigger asChild>
        <Button variant="secondary" size="sm" disabled={disabled} pending={pending} aria-label={`${label} ${node.hostname}`}>
          {pending ? null : <Icon aria-hidden />}
          {label}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent
        title={`${label} ${node.hostname}?`}
        description={consequence(node, action)}
        footer={
          <>
            <AlertDialogCancel asChild>
              <Button variant="secondary">Cancel</Button>
            </AlertDialogCancel>
            <Button
              variant={action === "start" ? "primary" : "danger"}
              onClick={() => {
                onConfirm();
                setOpen(false);
              }}
            >
              <Icon aria-hidden />
              {label}
            </Button>
          </>
        }
      />
    </AlertDialog>
  );
}
