import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Logo } from "@/components/layout/logo";
import { isSignedIn, safeNextPath } from "@/server/auth/page-session";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const raw = (await searchParams).next;
  const next = safeNextPath(Array.isArray(raw) ? raw[0] : raw);
  if (await isSignedIn()) redirect(next);
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center text-center">
          <Logo className="size-11" />
          <h1 className="mt-4 text-2xl font-semibold tracking-tight">Sign in to Phleet</h1>
          <p className="mt-1 text-sm text-muted">Clustered PHP environments on your Docker engine</p>
        </div>
        <SignInForm next={next} />
        <p className="mt-6 text-center text-xs text-muted">
          The admin password is <code className="font-mono">PHLEET_ADMIN_PASSWORD</code>, or the one printed when Phleet first started.
        </p>
      </div>
    </main>
  );
}
