import type { ReactNode } from "react";
import { EnvironmentTabs } from "@/components/environments/environment-tabs";

export default async function EnvironmentLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <EnvironmentTabs id={id} />
      {children}
    </>
  );
}
