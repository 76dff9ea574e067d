"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronLeft } from "lucide-react";
import Link from "next/link";
import { environmentQuery } from "@/components/data/environments";

/** The stand-alone statistics page's heading: the environment's name and the way back to it. */
export function StatsPageHeader({ environmentId }: { environmentId: string }) {
  const env = useQuery(environmentQuery(environmentId)).data;
  return (
    <div className="flex flex-col gap-2">
      <Link href={`/environments/${encodeURIComponent(environmentId)}`} className="inline-flex w-fit items-center gap-1 text-sm text-muted hover:text-fg">
        <ChevronLeft aria-hidden className="size-4" />
        {env ? env.name : "Environment"}
      </Link>
      <h1 className="text-2xl font-semibold tracking-tight">Balancing and sessions{env ? `: ${env.name}` : ""}</h1>
    </div>
  );
}
