import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export interface Layer {
  key: string;
  title: string;
  detail?: string;
  /** Controls for the whole layer (the app layer's scaling, its resource limits), beside its title. */
  actions?: ReactNode;
  items: ReactNode[];
}

/** balancer -> app servers -> session store, drawn top to bottom with the traffic between them. */
export function TopologyLayers({ layers, compact, className }: { layers: Layer[]; compact?: boolean; className?: string }) {
  return (
    <ol className={cn("flex flex-col", className)} aria-label="Topology">
      {layers.map((layer, i) => (
        <li key={layer.key} className="flex flex-col" data-layer={layer.key}>
          {i > 0 ? <Connector compact={compact} /> : null}
          <section
            aria-label={layer.title}
            className={cn("rounded-xl border border-dashed border-border-strong/80 bg-surface-2/40", compact ? "p-2.5" : "p-3 sm:p-4")}
          >
            <div className="mb-2.5 flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
              <h3 className={cn("flex flex-wrap items-baseline gap-x-2 font-medium", compact ? "text-xs" : "text-sm")}>
                <span className="tracking-wide text-muted uppercase">{layer.title}</span>
                {layer.detail ? <span className="text-xs font-normal text-muted">{layer.detail}</span> : null}
              </h3>
              {layer.actions}
            </div>
            <ul
              className={cn(
                "grid gap-2.5",
                compact ? "grid-cols-[repeat(auto-fill,minmax(8.5rem,1fr))]" : "grid-cols-[repeat(auto-fill,minmax(min(100%,16.5rem),1fr))]",
              )}
            >
              {layer.items.map((item, j) => (
                <li key={j} className="min-w-0">
                  {item}
                </li>
              ))}
            </ul>
          </section>
        </li>
      ))}
    </ol>
  );
}

function Connector({ compact }: { compact?: boolean }) {
  return (
    <div aria-hidden className={cn("flex flex-col items-center", compact ? "h-5" : "h-7")}>
      <div className="w-px flex-1 bg-border-strong" />
      <svg viewBox="0 0 10 6" className="h-1.5 w-2.5 fill-border-strong">
        <path d="M0 0h10L5 6z" />
      </svg>
    </div>
  );
}
