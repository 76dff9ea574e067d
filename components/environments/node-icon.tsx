import { Database, MemoryStick, Server, Split } from "lucide-react";
import type { NodeRole } from "@/server/contracts/environment";

export function NodeIcon({ role, type, className }: { role: NodeRole; type: string; className?: string }) {
  if (role === "balancer") return <Split aria-hidden className={className} />;
  if (role === "app") return <Server aria-hidden className={className} />;
  return type === "memcached" ? <MemoryStick aria-hidden className={className} /> : <Database aria-hidden className={className} />;
}
