"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import { ApiRequestError } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { deploymentKeys, saveVariables, variablesQuery } from "./data";

interface Row {
  key: number;
  name: string;
  value: string;
  secret: boolean;
  /** A stored secret: its value is never sent to the browser; left empty it is kept. */
  stored: boolean;
}

let next = 0;

/** The app layer's variables; secret values are write-only (shown masked, kept when left empty). */
export function VariablesEditor({ id }: { id: string }) {
  const q = useQuery(variablesQuery(id));
  if (q.isPending) return <Skeleton className="h-32" />;
  if (q.isError) return <ErrorPanel title="Could not load the variables" message={q.error.message} onRetry={() => q.refetch()} />;
  return <Editor id={id} initial={q.data.map((v) => ({ key: next++, name: v.name, value: v.value ?? "", secret: v.secret, stored: v.secret }))} />;
}

function Editor({ id, initial }: { id: string; initial: Row[] }) {
  const qc = useQueryClient();
  const [rows, setRows] = useState<Row[]>(initial);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const set = (key: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  async function save() {
    setError(null);
    setSaved(false);
    setPending(true);
    try {
      const variables = rows.map((r) => (r.secret && r.stored && r.value === "" ? { name: r.name, secret: true } : { name: r.name, value: r.value, secret: r.secret }));
      const res = await saveVariables(id, { variables });
      setRows(res.variables.map((v) => ({ key: next++, name: v.name, value: v.value ?? "", secret: v.secret, stored: v.secret })));
      setSaved(true);
      await qc.invalidateQueries({ queryKey: deploymentKeys.variables(id) });
    } catch (e) {
      setError(e instanceof ApiRequestError || e instanceof Error ? e.message : String(e));
    } finally {
      setPending(false);
    }
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle>Variables</CardTitle>
      </CardHeader>
      <CardBody className="flex flex-col gap-3">
        <p className="text-sm text-muted">Visible to PHP through getenv(), $_ENV and $_SERVER. Saving reloads the app servers gracefully.</p>
        {rows.length === 0 ? <p className="text-sm text-muted">No variables yet.</p> : null}
        {rows.map((r, i) => (
          <div key={r.key} className="grid grid-cols-1 gap-2 sm:grid-cols-[1fr_1.5fr_auto_auto] sm:items-center">
            <Input aria-label={`Name of variable ${i + 1}`} value={r.name} onChange={(e) => set(r.key, { name: e.target.value })} placeholder="NAME" className="font-mono" />
            <Input
              aria-label={`Value of variable ${i + 1}`}
              type={r.secret ? "password" : "text"}
              autoComplete="off"
              value={r.value}
              onChange={(e) => set(r.key, { value: e.target.value })}
              placeholder={r.secret && r.stored ? "•••••••• (stored; leave empty to keep)" : "value"}
            />
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={r.secret} onChange={(e) => set(r.key, { secret: e.target.checked, stored: e.target.checked && r.stored })} />
              Secret
            </label>
            <Button variant="ghost" size="sm" onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))} aria-label={`Remove variable ${r.name || i + 1}`}>
              <Trash2 aria-hidden />
            </Button>
          </div>
        ))}
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
        {saved ? (
          <p role="status" className="text-sm text-success">
            Saved and applied.
          </p>
        ) : null}
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" onClick={() => setRows((rs) => [...rs, { key: next++, name: "", value: "", secret: false, stored: false }])}>
            <Plus aria-hidden />
            Add variable
          </Button>
          <Button onClick={save} pending={pending}>
            Save variables
          </Button>
        </div>
      </CardBody>
    </Card>
  );
}
