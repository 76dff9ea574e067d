import type { ComponentProps } from "react";
import { cn } from "./cn";

export function Input({ className, ...rest }: ComponentProps<"input">) {
  return (
    <input
      className={cn(
        "h-10 w-full min-w-0 rounded-lg border border-border-strong bg-surface px-3 text-sm text-fg shadow-sm placeholder:text-muted/70",
        "focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-ring/40",
        "aria-[invalid=true]:border-danger aria-[invalid=true]:focus-visible:outline-danger/40 disabled:opacity-60",
        className,
      )}
      {...rest}
    />
  );
}
