import type { ComponentProps } from "react";
import { cn } from "./cn";

const TONES = {
  neutral: "bg-surface-2 text-muted border-border",
  success: "bg-success/12 text-success border-success/30",
  warning: "bg-warning/12 text-warning border-warning/30",
  danger: "bg-danger/12 text-danger border-danger/30",
  info: "bg-info/12 text-info border-info/30",
} as const;
export type BadgeTone = keyof typeof TONES;

export function Badge({ tone = "neutral", className, ...rest }: ComponentProps<"span"> & { tone?: BadgeTone }) {
  return (
    <span
      className={cn("inline-flex items-center gap-1.5 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium [&_svg]:size-3.5", TONES[tone], className)}
      {...rest}
    />
  );
}
