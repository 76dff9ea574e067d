"use client";

import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { flash } from "@/components/ui/flash";
import { useDeleteEnvironment } from "@/components/data/environments";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogTrigger } from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { Environment } from "@/server/contracts/environment";

/** Deleting removes every container: the name must be typed to confirm. */
export function DeleteEnvironmentDialog({ env }: { env: Environment }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const field = useRef<HTMLInputElement>(null);
  const done = () => {
    setOpen(false);
    flash(`${env.name} is being deleted: its ${env.nodes.length} containers and its network are removed in the background.`);
    router.push("/");
  };
  // With a database, the dialog asks whether its data volume (and its dumps) should stay.
  const [keepData, setKeepData] = useState(false);
  const target = env.database ? { id: env.id, keepData } : env.id;
  const del = useDeleteEnvironment();
  const matches = typed === env.name;

  return (
    <AlertDialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) {
          setTyped("");
          setKeepData(false);
          del.reset();
        }
      }}
    >
      <AlertDialogTrigger asChild>
        <Button variant="danger-outline" disabled={env.status === "deleting"}>
          <Trash2 aria-hidden />
          Delete
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent
        initialFocus={field}
        title={`Delete ${env.name}?`}
        description={`This removes all ${env.nodes.length} containers of ${env.name}, its network and the sessions stored in it. It cannot be undone.`}
        footer={
          <>
            <AlertDialogCancel asChild>
              <Button variant="secondary">Cancel</Button>
            </AlertDialogCancel>
            <Button
              variant="danger"
              disabled={!matches}
              pending={del.isPending}
              onClick={() =>
                del.mutate(target, {
                  onSuccess: done,
                })
              }
            >
              {del.isPending ? null : <Trash2 aria-hidden />}
              Delete environment
            </Button>
          </>
        }
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (matches && !del.isPending) del.mutate(target, { onSuccess: done });
          }}
          className="flex flex-col gap-1.5"
        >
          <label htmlFor="confirm-name" className="text-sm">
            Type <strong className="font-mono font-semibold">{env.name}</strong> to confirm
          </label>
          <Input ref={field} id="confirm-name" autoComplete="off" autoCapitalize="none" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} />
          {env.database ? (
            <label className="mt-2 flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                className="mt-0.5 size-4 accent-primary"
                checked={keepData}
                onChange={(e) => setKeepData(e.target.checked)}
                data-testid="keep-data"
              />
              <span>
                Keep the database&apos;s data volume and backups
                <span className="block text-xs text-muted">Unchecked, the database&apos;s data is deleted with the environment.</span>
              </span>
            </label>
          ) : null}
          {del.isError ? (
            <p role="alert" className="text-sm text-danger">
              {del.error.message}
            </p>
          ) : null}
        </form>
      </AlertDialogContent>
    </AlertDialog>
  );
}
