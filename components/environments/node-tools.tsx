import { ScrollText, SquareTerminal } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import type { EnvironmentNode } from "@/server/contracts/environment";

const UP = new Set<EnvironmentNode["status"]>(["running", "starting", "unhealthy"]);

/** A node's logs (readable even when it is stopped) and its terminal (when it runs). */
export function NodeTools({ envId, node }: { envId: string; node: EnvironmentNode }) {
  const base = `/environments/${encodeURIComponent(envId)}`;
  return (
    <>
      <Button asChild variant="ghost" size="sm">
        <Link href={`${base}/logs?node=${encodeURIComponent(node.id)}`} aria-label={`Logs of ${node.hostname}`}>
          <ScrollText aria-hidden />
          Logs
        </Link>
      </Button>
      {UP.has(node.status) ? (
        <Button asChild variant="ghost" size="sm">
          <Link href={`${base}/nodes/${encodeURIComponent(node.id)}/terminal`} aria-label={`Terminal of ${node.hostname}`}>
            <SquareTerminal aria-hidden />
            Terminal
          </Link>
        </Button>
      ) : null}
    </>
  );
}
