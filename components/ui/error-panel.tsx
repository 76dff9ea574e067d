import { RotateCw, TriangleAlert } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "./button";
import { cn } from "./cn";

/** A failure the user can act on: what went wrong, in the API's words, and a way to try again. */
export function ErrorPanel({
  title,
  message,
  onRetry,
  retrying,
  action,
  className,
}: {
  title: string;
  message: ReactNode;
  onRetry?: () => void;
  retrying?: boolean;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div role="alert" className={cn("rounded-xl border border-danger/30 bg-danger/8 p-5", className)}>
      <div className="flex items-start gap-3">
        <TriangleAlert aria-hidden className="mt-0.5 size-5 shrink-0 text-danger" />
        <div className="min-w-0 flex-1">
          <h2 className="font-semibold text-danger">{title}</h2>
          <div className="mt-1 text-sm break-words text-fg">{message}</div>
          {onRetry || action ? (
            <div className="mt-4 flex flex-wrap gap-2">
              {onRetry ? (
                <Button variant="secondary" size="sm" onClick={onRetry} pending={retrying}>
                  {retrying ? null : <RotateCw aria-hidden />}
                  Retry
                </Button>
              ) : null}
              {action}
            </div>
          ) : null}
        </div>
      </div>
    </div>
  );
}
