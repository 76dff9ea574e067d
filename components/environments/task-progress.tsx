import { CircleCheck, CircleDashed, CircleMinus, CircleX } from "lucide-react";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import type { Environment, Task, TaskStep } from "@/server/contracts/environment";

const TITLE: Record<string, { running: string; succeeded: string; failed: string }> = {
  "environment.create": { running: "Creating the environment", succeeded: "Environment created", failed: "Creating the environment failed" },
  "environment.delete": { running: "Deleting the environment", succeeded: "Environment deleted", failed: "Deleting the environment failed" },
  "environment.scale": { running: "Scaling the app servers", succeeded: "App servers scaled", failed: "Scaling failed" },
  "nodes.restart": { running: "Restarting", succeeded: "Restarted", failed: "Restart failed" },
  "config.restart": { running: "Applying the configuration (rolling restart)", succeeded: "Configuration applied", failed: "Configuration rolled back" },
  "stats.traffic": { running: "Sending test traffic", succeeded: "Test traffic sent", failed: "Test traffic failed" },
  "environment.stop": { running: "Stopping the environment", succeeded: "Environment stopped", failed: "Stopping failed" },
  "environment.start": { running: "Starting the environment", succeeded: "Environment started", failed: "Starting failed" },
  "environment.restart": { running: "Restarting the app servers one at a time", succeeded: "App servers restarted", failed: "Rolling restart stopped" },
};

/** "App servers scaled": what a task of this kind is called in its state. */
export function taskTitle(task: Pick<Task, "kind" | "status">): string {
  const t = TITLE[task.kind] ?? { running: "Working", succeeded: "Done", failed: "Failed" };
  return task.status === "failed" ? t.failed : task.status === "succeeded" ? t.succeeded : t.running;
}

function seconds(step: TaskStep, now: number): string | null {
  if (!step.startedAt) return null;
  const end = step.finishedAt ? new Date(step.finishedAt).getTime() : now;
  const s = Math.max(0, (end - new Date(step.startedAt).getTime()) / 1000);
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

/** The provisioning (or deletion) task, step by step, as the server reports it. */
export function TaskProgress({ env, task, now }: { env?: Environment; task: Task; now: number }) {
  const done = task.steps.filter((s) => s.status === "succeeded" || s.status === "skipped").length;
  const total = task.steps.length || 1;
  const current = task.steps.find((s) => s.status === "running") ?? task.steps.find((s) => s.status === "failed");
  const titles = TITLE[task.kind] ?? { running: "Working", succeeded: "Done", failed: "Failed" };
  const state = task.status === "failed" ? "failed" : task.status === "succeeded" ? "succeeded" : "running";
  const pct = Math.round((done / total) * 100);
  const reason = env?.error ?? task.error;

  return (
    <Card data-testid="task-progress" data-task-status={task.status}>
      <CardHeader>
        <div className="min-w-0">
          <CardTitle>{titles[state]}</CardTitle>
          <p className="mt-0.5 text-sm text-muted" aria-live="polite">
            {state === "running" && current ? `Step ${task.steps.indexOf(current) + 1} of ${task.steps.length}: ${current.title}` : null}
            {state === "succeeded" ? `All ${task.steps.length} steps done` : null}
            {state === "failed" ? `Stopped at: ${current?.title ?? "an unknown step"}` : null}
          </p>
        </div>
        <span className="text-sm font-medium tabular-nums text-muted">{pct}%</span>
      </CardHeader>
      <CardBody className="flex flex-col gap-4">
        <div
          role="progressbar"
          aria-label={titles.running}
          aria-valuemin={0}
          aria-valuemax={total}
          aria-valuenow={done}
          className="h-1.5 overflow-hidden rounded-full bg-surface-2"
        >
          <div
            className={cn("h-full rounded-full transition-[width] duration-500", state === "failed" ? "bg-danger" : state === "succeeded" ? "bg-success" : "bg-primary")}
            style={{ width: `${Math.max(pct, state === "running" ? 4 : 0)}%` }}
          />
        </div>
        {state === "failed" && reason ? (
          <div role="alert" className="rounded-lg border border-danger/30 bg-danger/8 px-3.5 py-3 text-sm">
            <p className="font-medium text-danger">Why it failed</p>
            <p className="mt-1 font-mono text-xs break-words whitespace-pre-wrap" data-testid="failure-reason">
              {reason}
            </p>
          </div>
        ) : null}
        <ol className="flex flex-col">
          {task.steps.map((step, i) => (
            <li key={step.key} className="flex gap-3" data-step={step.key} data-step-status={step.status}>
              <div className="flex flex-col items-center">
                <StepIcon status={step.status} />
                {i < task.steps.length - 1 ? <span aria-hidden className="my-1 w-px flex-1 bg-border" /> : null}
              </div>
              <div className={cn("min-w-0 flex-1", i < task.steps.length - 1 ? "pb-3.5" : "")}>
                <div className="flex items-baseline justify-between gap-3">
                  <span className={cn("text-sm", step.status === "pending" ? "text-muted" : "font-medium", step.status === "failed" && "text-danger")}>
                    {step.title}
                    <span className="sr-only"> — {step.status}</span>
                  </span>
                  <span className="shrink-0 text-xs tabular-nums text-muted">{seconds(step, now)}</span>
                </div>
                {step.message ? <p className="mt-0.5 truncate font-mono text-xs text-muted" title={step.message}>{step.message}</p> : null}
              </div>
            </li>
          ))}
        </ol>
      </CardBody>
    </Card>
  );
}

function StepIcon({ status }: { status: TaskStep["status"] }) {
  const cls = "size-5 shrink-0";
  if (status === "succeeded") return <CircleCheck aria-hidden className={cn(cls, "text-success")} />;
  if (status === "failed") return <CircleX aria-hidden className={cn(cls, "text-danger")} />;
  if (status === "running") return <Spinner className={cn(cls, "text-primary")} />;
  if (status === "skipped") return <CircleMinus aria-hidden className={cn(cls, "text-muted")} />;
  return <CircleDashed aria-hidden className={cn(cls, "text-border-strong")} />;
}
