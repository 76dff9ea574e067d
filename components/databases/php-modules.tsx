"use client";

import { useQuery } from "@tanstack/react-query";
import { phpModulesQuery } from "@/components/data/database";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Skeleton } from "@/components/ui/skeleton";

/** `php -m` of an app server, in its Info. */
export function PhpModules({ envId, nodeId }: { envId: string; nodeId: string }) {
  const q = useQuery(phpModulesQuery(envId, nodeId));
  return (
    <section aria-labelledby={`php-m-${nodeId}`} className="flex flex-col gap-2">
      <h3 id={`php-m-${nodeId}`} className="text-sm font-medium">
        PHP extensions <span className="font-mono text-xs font-normal text-muted">php -m</span>
      </h3>
      {q.isPending ? (
        <Skeleton className="h-16" />
      ) : q.isError ? (
        <ErrorPanel title="Could not run php -m" message={q.error.message} onRetry={() => void q.refetch()} retrying={q.isFetching} />
      ) : (
        <ul className="flex flex-wrap gap-1.5" data-testid="php-modules">
          {[...q.data.php, ...q.data.zend.filter((z) => !q.data.php.includes(z))].map((m) => (
            <li key={m} className="rounded-md border border-border bg-surface-2 px-1.5 py-0.5 font-mono text-[11px]">
              {m}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
