"use client";

import { RadioGroup } from "radix-ui";
import type { ReactNode } from "react";
import { cn } from "./cn";

export interface Choice<V extends string> {
  value: V;
  title: string;
  description: string;
  icon?: ReactNode;
}

/** A radio group drawn as cards (arrow keys move between them, as with any radio group). */
export function ChoiceCards<V extends string>({
  label,
  value,
  onChange,
  choices,
  className,
}: {
  label: string;
  value: V;
  onChange: (value: V) => void;
  choices: Choice<V>[];
  className?: string;
}) {
  return (
    <RadioGroup.Root
      aria-label={label}
      value={value}
      onValueChange={(v) => onChange(v as V)}
      className={cn("grid gap-3 sm:grid-cols-2", className)}
    >
      {choices.map((c) => (
        <RadioGroup.Item
          key={c.value}
          value={c.value}
          // Arrow keys move focus between the cards; a radio is chosen where focus lands (as native radios do).
          onFocus={() => {
            if (c.value !== value) onChange(c.value);
          }}
          className={cn(
            "group relative flex items-start gap-3 rounded-xl border border-border-strong bg-surface p-3.5 text-left transition-colors",
            "hover:border-primary/60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring",
            "data-[state=checked]:border-primary data-[state=checked]:bg-primary/6 data-[state=checked]:ring-1 data-[state=checked]:ring-primary",
          )}
        >
          {c.icon ? (
            <span className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-surface-2 text-muted group-data-[state=checked]:bg-primary/12 group-data-[state=checked]:text-primary [&_svg]:size-5">
              {c.icon}
            </span>
          ) : null}
          <span className="min-w-0 flex-1">
            <span className="block text-sm font-semibold">{c.title}</span>
            <span className="mt-0.5 block text-xs text-muted">{c.description}</span>
          </span>
          <span
            aria-hidden
            className="mt-0.5 flex size-4 shrink-0 items-center justify-center rounded-full border border-border-strong group-data-[state=checked]:border-primary"
          >
            <RadioGroup.Indicator className="size-2 rounded-full bg-primary" />
          </span>
        </RadioGroup.Item>
      ))}
    </RadioGroup.Root>
  );
}
