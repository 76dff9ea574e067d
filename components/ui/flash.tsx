"use client";

import { CircleCheck, X } from "lucide-react";
import { usePathname } from "next/navigation";
import { useEffect, useSyncExternalStore } from "react";

/**
 * A one-time confirmation that survives a client-side navigation (for example "deleted" on the
 * list the delete dialog sends you back to). Kept in memory: a reload drops it, as it should.
 */
let message: { text: string; path: string; seen: boolean } | null = null;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

/** Shows `text` on the page at `path` (where the caller is sending the user), until they leave it. */
const markSeen = () => {
  if (message) message.seen = true;
};

export function flash(text: string | null, path = "/") {
  message = text ? { text, path, seen: false } : null;
  emit();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function FlashMessage() {
  const pathname = usePathname();
  const current = useSyncExternalStore(subscribe, () => message, () => null);
  const here = !!current && current.path === pathname;
  useEffect(() => {
    if (!current) return;
    if (here) markSeen();
    else if (current.seen) flash(null);
  }, [current, here]);
  const text = here ? current.text : null;
  return (
    <div role="status" aria-live="polite" className="empty:hidden">
      {text ? (
        <div className="mb-6 flex items-start gap-3 rounded-xl border border-success/30 bg-success/8 px-4 py-3 text-sm" data-testid="flash">
          <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0 text-success" />
          <p className="min-w-0 flex-1">{text}</p>
          <button type="button" onClick={() => flash(null)} className="-m-1 rounded p-1 text-muted hover:text-fg" aria-label="Dismiss">
            <X aria-hidden className="size-4" />
          </button>
        </div>
      ) : null}
    </div>
  );
}
