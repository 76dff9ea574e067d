import { CircleDashed } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/spinner";
import type { Environment, EnvironmentNode } from "@/server/contracts/environment";
import { ENV_STATUS, NODE_STATUS } from "./labels";

const Dot = () => <span aria-hidden className="size-1.5 rounded-full bg-current" />;

export function EnvironmentStatusBadge({ status }: { status: Environment["status"] }) {
  const s = ENV_STATUS[status];
  const busy = status === "creating" || status === "deleting";
  return (
    <Badge tone={s.tone} data-status={status}>
      {busy ? <Spinner className="size-3" /> : <Dot />}
      {s.label}
    </Badge>
  );
}

export function NodeStatusBadge({ status, pending, queued }: { status: EnvironmentNode["status"]; pending?: string | null; queued?: boolean }) {
  // While the environment is being created, a container that does not exist yet is simply not started yet.
  if (queued && status === "missing") {
    return (
      <Badge tone="neutral" data-status="queued">
        <CircleDashed aria-hidden />
        Queued
      </Badge>
    );
  }
  if (pending) {
    return (
      <Badge tone="warning" data-status="pending">
        <Spinner className="size-3" />
        {pending}
      </Badge>
    );
  }
  const s = NODE_STATUS[status];
  const busy = status === "starting" || status === "restarting" || status === "removing";
  return (
    <Badge tone={s.tone} data-status={status}>
      {busy ? <Spinner className="size-3" /> : <Dot />}
      {s.label}
    </Badge>
  );
}
