"use client";

import { Info } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import type { Environment, EnvironmentNode } from "@/server/contracts/environment";
import { absoluteTime, ROLE_LABEL, relativeTime, typeLabel } from "./labels";
import { SessionLines } from "./session-lines";
import { ConnectionDetails } from "@/components/databases/connection-details";
import { PhpModules } from "@/components/databases/php-modules";
import { NodeStatusBadge } from "./status-badge";

const portText = (p: EnvironmentNode["ports"][number]) =>
  `${p.containerPort}/${p.protocol}${p.hostPort ? ` → ${p.hostIp ?? "0.0.0.0"}:${p.hostPort}` : ""}`;

export function NodeInfoDialog({ node, env }: { node: EnvironmentNode; env: Environment }) {
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm" aria-label={`Info about ${node.hostname}`}>
          <Info aria-hidden />
          Info
        </Button>
      </DialogTrigger>
      <DialogContent title={node.hostname} description={`${ROLE_LABEL[node.role]} · ${typeLabel(node.type)}`} className="max-w-xl">
        <div className="flex flex-col gap-5" data-testid="node-info">
          <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-[9rem_minmax(0,1fr)]">
            <Row label="Status">
              <NodeStatusBadge status={node.status} queued={env.status === "creating"} />
            </Row>
            <Row label="IP address">
              <span className="flex min-w-0 flex-wrap items-center gap-2">
                <span className="font-mono" data-testid="node-ip">
                  {node.ip}
                </span>
                <CopyButton text={node.ip} label="Copy IP" />
              </span>
            </Row>
            <Row label="Hostname">
              <span className="font-mono break-all">{node.hostname}</span>
            </Row>
            {node.host ? (
              <Row label="Host">
                <span className="flex min-w-0 flex-col gap-1">
                  <span className="font-mono break-all" data-testid="node-host">
                    {node.host}
                  </span>
                  <span className="text-xs text-muted">
                    {node.pinnedToHost
                      ? "Stays on this host: its data volume is here. If the host is lost, it waits for it to come back."
                      : "Where Swarm runs it now; it moves if this host is drained or lost, keeping its hostname."}
                  </span>
                </span>
              </Row>
            ) : null}
            <Row label="Ports">
              {node.ports.length ? (
                <ul className="flex flex-col gap-0.5 font-mono">
                  {node.ports.map((p) => (
                    <li key={`${p.containerPort}/${p.protocol}/${p.hostPort ?? ""}`}>{portText(p)}</li>
                  ))}
                </ul>
              ) : (
                "—"
              )}
            </Row>
            <Row label="Container name">
              <span className="font-mono break-all">{node.containerName}</span>
            </Row>
            <Row label="Container ID">
              {node.containerId ? (
                <span className="flex min-w-0 flex-col gap-1">
                  <span className="flex min-w-0 flex-wrap items-center gap-2">
                    <span className="truncate font-mono" title={node.containerId} data-testid="container-id">
                      {node.containerId.slice(0, 12)}
                    </span>
                    <CopyButton text={node.containerId} label="Copy full ID" />
                  </span>
                  <span className="text-xs text-muted">Shown shortened to 12 characters (as docker ps does); the copy is the full 64-character ID.</span>
                </span>
              ) : (
                <span className="text-muted">not created</span>
              )}
            </Row>
            <Row label="Restart count">
              <span className="tabular-nums">{node.restartCount}</span>
            </Row>
            {node.startedAt ? (
              <Row label="Started">
                <time dateTime={node.startedAt} title={absoluteTime(node.startedAt)}>
                  {relativeTime(node.startedAt)}
                </time>
              </Row>
            ) : null}
          </dl>
          {node.role === "session" ? (
            <SessionLines session={env.session} title="php.ini lines for this session store" />
          ) : node.role === "app" ? (
            <SessionLines session={env.session} title="Session settings this app server uses" />
          ) : node.role === "database" && env.database ? (
            <ConnectionDetails db={env.database} />
          ) : null}
          {node.role === "app" && node.status === "running" ? <PhpModules envId={env.id} nodeId={node.id} /> : null}
        </div>
      </DialogContent>
    </Dialog>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="contents">
      <dt className="text-muted">{label}</dt>
      <dd className="-mt-2 min-w-0 sm:mt-0">{children}</dd>
    </div>
  );
}
