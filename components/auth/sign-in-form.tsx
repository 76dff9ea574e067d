"use client";

import { useMutation } from "@tanstack/react-query";
import { CircleAlert, LogIn } from "lucide-react";
import { useRef, useState, useSyncExternalStore, type FormEvent } from "react";
import { apiFetch, ApiRequestError } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, fieldAria } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SignInInput } from "@/server/contracts/auth";

const noSubscription = () => () => undefined;

export function SignInForm({ next }: { next: string }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  // Until the page's script runs, the form must not submit by itself: a native submit would send the password
  // in the URL of a GET (it did once, on a loaded machine). The button is enabled once hydrated, and the form
  // says POST in any case.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  const input = useRef<HTMLInputElement>(null);
  const signIn = useMutation({
    mutationFn: (body: SignInInput) => apiFetch<{ signedIn: true }>("/api/v1/auth/session", { method: "POST", body }),
    onSuccess: () => {
      // A full navigation, so the server renders the page with the new cookie.
      window.location.assign(next);
    },
    onError: (err) => {
      setError(
        err instanceof ApiRequestError && err.status === 401
          ? "Wrong password. Try again."
          : err instanceof Error
            ? err.message
            : "Sign-in failed",
      );
      input.current?.select();
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = SignInInput.safeParse({ password });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Password is required");
      input.current?.focus();
      return;
    }
    setError(null);
    signIn.mutate(parsed.data);
  }

  return (
    <Card className="p-5 sm:p-6">
      <form method="post" onSubmit={submit} noValidate className="flex flex-col gap-4">
        <Field id="password" label="Admin password">
          <Input
            ref={input}
            {...fieldAria("password", error)}
            type="password"
            name="password"
            autoComplete="current-password"
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <div aria-live="assertive">
          {error ? (
            <p role="alert" id="password-error" className="flex items-start gap-2 rounded-lg border border-danger/30 bg-danger/8 px-3 py-2 text-sm text-danger">
              <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
              {error}
            </p>
          ) : null}
        </div>
        <Button type="submit" size="lg" disabled={!ready} pending={signIn.isPending || signIn.isSuccess} className="w-full">
          {signIn.isPending || signIn.isSuccess ? null : <LogIn aria-hidden />}
          Sign in
        </Button>
      </form>
    </Card>
  );
}
