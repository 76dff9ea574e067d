import { cookies } from "next/headers";
import { SignInInput } from "@/server/contracts/auth";
import { verifyAdminPassword } from "@/server/auth/credentials";
import { createUserSession, deleteUserSession, SESSION_COOKIE } from "@/server/auth/sessions";
import { AppError } from "@/server/errors";
import { json, parseBody, route } from "@/server/http/route";

export const dynamic = "force-dynamic";

/** Dashboard sign-in: the admin password becomes an httpOnly, SameSite=Lax session cookie. */
export const POST = route(
  async ({ req }) => {
    const { password } = await parseBody(req, SignInInput);
    if (!(await verifyAdminPassword(password))) {
      await new Promise((r) => setTimeout(r, 300)); // slows down guessing
      throw new AppError("invalid_credentials", "Wrong password", 401);
    }
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
  async () => {
    const jar = await cookies();
    await deleteUserSession(jar.get(SESSION_COOKIE)?.value);
    jar.delete(SESSION_COOKIE);
    return json({ signedIn: false });
  },
  { public: true },
);
