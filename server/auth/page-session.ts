import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { safeNextPath } from "./next-path";
import { isValidUserSession, SESSION_COOKIE } from "./sessions";

/** The header proxy.ts sets so server components know the page asked for (to come back after sign-in). */
const PATH_HEADER = "x-phleet-path";

/** For server components: is the dashboard's session cookie a live session? */
export async function isSignedIn(): Promise<boolean> {
  return isValidUserSession((await cookies()).get(SESSION_COOKIE)?.value);
}

/** For pages behind sign-in: sends a signed-out visitor to /sign-in, with the way back. */
export async function requireSignedIn(): Promise<void> {
  if (await isSignedIn()) return;
  const back = safeNextPath((await headers()).get(PATH_HEADER));
  redirect(back === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(back)}`);
}

export { safeNextPath };
