"use client";

import { Activity, FileCog, History, LayoutGrid, Rocket, ScrollText, type LucideIcon } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

/**
 * The environment's pages. A new page is one entry here plus its folder under
 * app/(dashboard)/environments/[id]/ (the segment is the folder's name).
 */
const ENVIRONMENT_TABS: { segment: string; label: string; icon: LucideIcon }[] = [
  { segment: "", label: "Overview", icon: LayoutGrid },
  { segment: "deployments", label: "Deployments", icon: Rocket },
  { segment: "config", label: "Config", icon: FileCog },
  { segment: "stats", label: "Statistics", icon: Activity },
  { segment: "logs", label: "Logs", icon: ScrollText },
  { segment: "tasks", label: "Tasks", icon: History },
];

export function EnvironmentTabs({ id }: { id: string }) {
  const pathname = usePathname();
  const base = `/environments/${encodeURIComponent(id)}`;
  const active = pathname.startsWith(base) ? pathname.slice(base.length).split("/")[1] ?? "" : "";
  return (
    <nav aria-label="Environment pages" className="-mx-4 mb-6 overflow-x-auto border-b border-border px-4 sm:mx-0 sm:px-0">
      <ul className="flex min-w-max gap-1">
        {ENVIRONMENT_TABS.map((t) => {
          const current = t.segment === active;
          return (
            <li key={t.segment}>
              <Link
                href={t.segment ? `${base}/${t.segment}` : base}
                aria-current={current ? "page" : undefined}
                className={cn(
                  "-mb-px inline-flex h-10 items-center gap-1.5 rounded-t-md border-b-2 px-3 text-sm font-medium transition-colors [&_svg]:size-4",
                  current ? "border-primary text-fg" : "border-transparent text-muted hover:border-border-strong hover:text-fg",
                )}
              >
                <t.icon aria-hidden />
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
