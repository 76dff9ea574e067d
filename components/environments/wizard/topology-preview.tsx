import { NodeIcon } from "@/components/environments/node-icon";
import { ROLE_LABEL, typeLabel } from "@/components/environments/labels";
import { TopologyLayers } from "@/components/environments/topology-layers";
import type { PlannedNode } from "@/server/environments/topology";

/** The environment as it will be built: every planned node with its hostname and fixed address. */
export function TopologyPreview({ nodes }: { nodes: PlannedNode[] }) {
  const of = (role: PlannedNode["role"]) => nodes.filter((n) => n.role === role);
  const box = (n: PlannedNode) => (
    <div className="flex min-w-0 items-center gap-2 rounded-lg border border-border bg-surface px-2.5 py-2 shadow-xs" data-testid="planned-node">
      <span className="flex size-7 shrink-0 items-center justify-center rounded-md bg-primary/10 text-primary">
        <NodeIcon role={n.role} type={n.type} className="size-4" />
      </span>
      <span className="min-w-0">
        <span className="block truncate text-xs font-medium">{n.hostname}</span>
        <span className="block truncate font-mono text-[11px] text-muted">{n.ip}</span>
      </span>
    </div>
  );
  const apps = of("app");
  const stores = of("session");
  return (
    <TopologyLayers
      compact
      layers={[
        { key: "balancer", title: ROLE_LABEL.balancer, detail: `${typeLabel(of("balancer")[0]?.type ?? "nginx")} · your URL`, items: of("balancer").map(box) },
        { key: "app", title: "App servers", detail: `${apps.length} × ${typeLabel(apps[0]?.type ?? "")}`, items: apps.map(box) },
        { key: "session", title: ROLE_LABEL.session, detail: `${stores.length} × ${typeLabel(stores[0]?.type ?? "")}`, items: stores.map(box) },
        ...(of("database").length ? [{ key: "database", title: ROLE_LABEL.database, detail: typeLabel(of("database")[0]!.type), items: of("database").map(box) }] : []),
      ]}
    />
  );
}
