import Link from "next/link";
import { Button } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-3 px-4 text-center">
      <p className="text-sm font-medium text-muted">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">This page does not exist</h1>
      <Button asChild variant="secondary" className="mt-3">
        <Link href="/">Back to the environments</Link>
      </Button>
    </main>
  );
}
