"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronRight, FileCog, Folder, Lock } from "lucide-react";
import { cn } from "@/components/ui/cn";
import { Skeleton } from "@/components/ui/skeleton";
import type { ConfigFileEntry } from "@/server/contracts/config-files";
import { fileListQuery, type EditScope } from "./data";

export interface Selection {
  scope: EditScope;
  path: string;
}

interface Folder {
  name: string;
  folders: Map<string, Folder>;
  files: ConfigFileEntry[];
}

/** Pure: catalog entries -> nested folders (etc > php > php.ini). */
function buildTree(entries: ConfigFileEntry[]): Folder {
  const root: Folder = { name: "", folders: new Map(), files: [] };
  for (const e of entries) {
    let f = root;
    for (const part of e.tree) {
      let next = f.folders.get(part);
      if (!next) {
        next = { name: part, folders: new Map(), files: [] };
        f.folders.set(part, next);
      }
      f = next;
    }
    f.files.push(e);
  }
  return root;
}

const sameScope = (a: EditScope, b: EditScope) =>
  a.kind === b.kind && (a.kind === "node" ? a.nodeId === (b as typeof a).nodeId : a.layer === (b as typeof a).layer);

/** One scope (a node or the app layer) with its files as a folder tree. */
export function ScopeTree({ envId, scope, selected, onSelect, hint }: { envId: string; scope: EditScope; selected: Selection | null; onSelect: (s: Selection) => void; hint?: string }) {
  const q = useQuery(fileListQuery(envId, scope));
  const testId = scope.kind === "node" ? `tree-node-${scope.label}` : `tree-layer-${scope.layer}`;
  return (
    <details open className="group/scope" data-testid={testId}>
      <summary className="flex cursor-pointer list-none items-center gap-1.5 rounded-md px-2 py-1.5 text-sm font-medium select-none hover:bg-surface-2">
        <ChevronRight aria-hidden className="size-4 text-muted transition-transform group-open/scope:rotate-90" />
        <span className="truncate">{scope.label}</span>
        {hint ? <span className="ml-auto shrink-0 text-xs font-normal text-muted">{hint}</span> : null}
      </summary>
      <div className="ml-3 border-l border-border pl-1.5">
        {q.isPending ? <Skeleton className="my-1 h-5 w-32" /> : null}
        {q.isError ? <p className="px-2 py-1 text-xs text-danger">{q.error.message}</p> : null}
        {q.data ? <FolderView folder={buildTree(q.data.items)} scope={scope} selected={selected} onSelect={onSelect} /> : null}
      </div>
    </details>
  );
}

function FolderView({ folder, scope, selected, onSelect }: { folder: Folder; scope: EditScope; selected: Selection | null; onSelect: (s: Selection) => void }) {
  return (
    <ul className="flex flex-col">
      {[...folder.folders.values()].map((f) => (
        <li key={f.name}>
          <details open className="group/folder">
            <summary className="flex cursor-pointer list-none items-center gap-1.5 rounded-md px-2 py-1 text-sm text-muted select-none hover:bg-surface-2">
              <Folder aria-hidden className="size-3.5" />
              {f.name}
            </summary>
            <div className="ml-3 border-l border-border pl-1.5">
              <FolderView folder={f} scope={scope} selected={selected} onSelect={onSelect} />
            </div>
          </details>
        </li>
      ))}
      {folder.files.map((e) => {
        const active = !!selected && selected.path === e.path && sameScope(selected.scope, scope);
        return (
          <li key={e.path}>
            <button
              type="button"
              onClick={() => onSelect({ scope, path: e.path })}
              aria-current={active ? "true" : undefined}
              title={`${e.path}\n${e.description}`}
              className={cn(
                "flex w-full items-center gap-1.5 rounded-md px-2 py-1 text-left text-sm hover:bg-surface-2",
                active && "bg-primary/10 font-medium text-primary hover:bg-primary/15",
              )}
            >
              <FileCog aria-hidden className="size-3.5 shrink-0" />
              <span className="truncate">{e.label}</span>
              {e.readOnly ? <Lock aria-label="read-only" className="ml-auto size-3 shrink-0 text-muted" /> : null}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
