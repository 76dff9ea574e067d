"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ErrorPanel
      title="This page could not be shown"
      message={error.digest ? `Something went wrong on the server (reference ${error.digest}); the server log has the details.` : error.message}
      onRetry={reset}
    />
  );
}
