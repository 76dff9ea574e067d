"use client";

import { LogOut } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useSignOut } from "@/components/data/environments";
import { Button } from "@/components/ui/button";
import { Logo } from "./logo";

export function AppHeader() {
  const router = useRouter();
  const signOut = useSignOut();
  return (
    <header className="sticky top-0 z-30 border-b border-border bg-surface/90 backdrop-blur supports-[backdrop-filter]:bg-surface/75">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-3 px-4 sm:px-6">
        <Link href="/" className="-mx-1 flex items-center gap-2 rounded-md px-1 font-semibold tracking-tight">
          <Logo className="size-7" />
          <span className="sr-only text-[15px] sm:not-sr-only">Phleet</span>
        </Link>
        <nav aria-label="Main" className="flex sm:ml-2">
          <Link href="/" className="rounded-md px-2 py-1.5 text-sm text-muted hover:bg-surface-2 hover:text-fg">
            Environments
          </Link>
          <Link href="/hosts" className="rounded-md px-2 py-1.5 text-sm text-muted hover:bg-surface-2 hover:text-fg">
            Hosts
          </Link>
          <Link href="/audit" className="rounded-md px-2 py-1.5 text-sm text-muted hover:bg-surface-2 hover:text-fg">
            Audit
          </Link>
        </nav>
        <div className="ml-auto flex items-center gap-2">
          <Button
            variant="ghost"
            size="sm"
            pending={signOut.isPending}
            onClick={() =>
              signOut.mutate(undefined, {
                onSettled: () => {
                  router.replace("/sign-in");
                  router.refresh();
                },
              })
            }
          >
            {signOut.isPending ? null : <LogOut aria-hidden />}
            {/* Icon only on a phone, where the three links leave no room; the name stays for screen readers. */}
            <span className="sr-only sm:not-sr-only">Sign out</span>
          </Button>
        </div>
      </div>
    </header>
  );
}
