import type { ReactNode } from "react";
import { AppHeader } from "@/components/layout/app-header";
import { RouteFocus } from "@/components/layout/route-focus";
import { FlashMessage } from "@/components/ui/flash";
import { requireSignedIn } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  await requireSignedIn();
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-surface focus:px-3 focus:py-2">
        Skip to content
      </a>
      <AppHeader />
      <RouteFocus />
      <main id="main" className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6 sm:py-8">
        <FlashMessage />
        {children}
      </main>
    </>
  );
}
