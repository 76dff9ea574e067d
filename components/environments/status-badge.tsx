import { CircleDashed } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/spinner";
import type { Environment, EnvironmentNode } from "@/server/contracts/environment";
import { ENV_STATUS, NODE_STATUS } from "./labels";

const Dot = () => <span aria-hidden className="size-1.5 rounded-full bg-current" />;

const HEALTH = {
  degraded: { label: "Degraded", tone: "warning" },
  stopped: { label: "Stopped", tone: "neutral" },
} as const;

/** A running environment says so only when every node that should run does (see Environment.health). */
export function EnvironmentStatusBadge({ status, health }: { status: Environment["status"]; health?: Environment["health"] }) {
  const s = status === "running" && health && health !== "healthy" ? HEALTH[health] : ENV_STATUS[status];
  const busy = status === "creating" || status === "deleting";
  return (
    <Badge tone={s.tone} data-status={status} data-health={health}>
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
