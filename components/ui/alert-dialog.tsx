"use client";

import { AlertDialog as A } from "radix-ui";
import type { ReactNode, RefObject } from "react";
import { cn } from "./cn";

export const AlertDialog = A.Root;
export const AlertDialogTrigger = A.Trigger;
export const AlertDialogCancel = A.Cancel;
export const AlertDialogAction = A.Action;

/** A confirmation: title, what will happen, then the footer's Cancel / confirm buttons. */
export function AlertDialogContent({
  title,
  description,
  children,
  footer,
  className,
  initialFocus,
}: {
  title: ReactNode;
  description: ReactNode;
  children?: ReactNode;
  footer: ReactNode;
  className?: string;
  /** The element to focus on open (a field to fill in) instead of the first button. */
  initialFocus?: RefObject<HTMLElement | null>;
}) {
  return (
    <A.Portal>
      <A.Overlay className="animate-fade-in fixed inset-0 z-40 bg-black/45" />
      <A.Content
        onOpenAutoFocus={
          initialFocus
            ? (e) => {
                e.preventDefault();
                initialFocus.current?.focus();
              }
            : undefined
        }
        className={cn(
          "animate-pop-in fixed top-1/2 left-1/2 z-50 w-[calc(100vw-1.5rem)] max-w-md -translate-x-1/2 -translate-y-1/2",
          "rounded-xl border border-border bg-surface p-5 shadow-2xl focus:outline-none",
          className,
        )}
      >
        <A.Title className="text-base font-semibold tracking-tight break-words">{title}</A.Title>
        <A.Description className="mt-2 text-sm text-muted">{description}</A.Description>
        {children ? <div className="mt-4">{children}</div> : null}
        <div className="mt-5 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">{footer}</div>
      </A.Content>
    </A.Portal>
  );
}
