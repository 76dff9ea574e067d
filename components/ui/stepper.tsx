"use client";

import { Minus, Plus } from "lucide-react";
import { useRef } from "react";
import { cn } from "./cn";

/**
 * A whole number with - / + buttons. The text stays editable so a typed value out of range is
 * shown and explained by the form's validation instead of silently clamped.
 */
export function Stepper({
  id,
  value,
  onChange,
  min,
  max,
  unit,
  invalid,
  describedBy,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  min: number;
  max: number;
  /** "app servers": used in the buttons' accessible names. */
  unit: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const n = Number(value);
  const valid = value.trim() !== "" && Number.isInteger(n);
  const input = useRef<HTMLInputElement>(null);
  const step = (d: number) => onChange(String(valid ? Math.min(max, Math.max(min, n + d)) : min));
  // A button that disables itself at the limit would drop focus to <body>: hand it to the field.
  const press = (d: number) => {
    const next = valid ? Math.min(max, Math.max(min, n + d)) : min;
    step(d);
    if (next <= min || next >= max) input.current?.focus();
  };
  const btn =
    "flex h-10 w-10 items-center justify-center text-fg transition-colors hover:bg-surface-2 disabled:pointer-events-none disabled:opacity-40 focus-visible:z-10 focus-visible:outline-2 focus-visible:outline-ring [&_svg]:size-4";
  return (
    <div className={cn("inline-flex h-10 items-stretch overflow-hidden rounded-lg border bg-surface shadow-sm", invalid ? "border-danger" : "border-border-strong")}>
      <button type="button" className={cn(btn, "border-r border-border")} onClick={() => press(-1)} disabled={valid && n <= min} aria-label={`Fewer ${unit}`} aria-controls={id}>
        <Minus aria-hidden />
      </button>
      <input
        id={id}
        ref={input}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value.replace(/[^\d-]/g, "").slice(0, 3))}
        onKeyDown={(e) => {
          if (e.key === "ArrowUp") {
            e.preventDefault();
            step(1);
          } else if (e.key === "ArrowDown") {
            e.preventDefault();
            step(-1);
          }
        }}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        className="w-12 bg-transparent text-center text-sm font-semibold tabular-nums focus-visible:outline-none"
      />
      <button type="button" className={cn(btn, "border-l border-border")} onClick={() => press(1)} disabled={valid && n >= max} aria-label={`More ${unit}`} aria-controls={id}>
        <Plus aria-hidden />
      </button>
    </div>
  );
}
