import { cookies } from "next/headers";
import { SignInInput } from "@/server/contracts/auth";
import { verifyAdminPassword } from "@/server/auth/credentials";
import { createUserSession, deleteUserSession, SESSION_COOKIE } from "@/server/auth/sessions";
import { AppError } from "@/server/errors";
import { SIGN_IN_BODY_LIMIT } from "@/server/http/body-limit";
import { json, parseBody, route } from "@/server/http/route";
import { assertSameOrigin } from "@/server/auth/same-origin";
import { takeSignInAttempt } from "@/server/auth/sign-in-limits";

export const dynamic = "force-dynamic";

/** Dashboard sign-in: the admin password becomes an httpOnly, SameSite=Lax session cookie. */
export const POST = route(
  async ({ req }) => {
    const attempt = takeSignInAttempt(req);
    const { password } = await parseBody(req, SignInInput, SIGN_IN_BODY_LIMIT);
    if (!(await verifyAdminPassword(password))) {
      await new Promise((r) => setTimeout(r, 300)); // slows down guessing
      throw new AppError("invalid_credentials", "Wrong password", 401);
    }
    attempt.succeeded();
    const session = await createUserSession();
    (await cookies()).set(SESSION_COOKIE, session.value, {
      httpOnly: true,
      sameSite: "lax",
      secure: new URL(req.url).protocol === "https:",
      path: "/",
      expires: session.expiresAt,
    });
    return json({ signedIn: true });
  },
  { public: true },
);

export const DELETE = route(
  async ({ req }) => {
    assertSameOrigin(req); // sign-out is a change too: not from another site (CSRF)
    const jar = await cookies();
    await deleteUserSession(jar.get(SESSION_COOKIE)?.value);
    jar.delete(SESSION_COOKIE);
    return json({ signedIn: false });
  },
  { public: true },
);
