import { Suspense } from "react";
import { LogViewer } from "@/components/logs/log-viewer";

export const metadata = { title: "Logs" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <LogViewer environmentId={id} />
    </Suspense>
  );
}
