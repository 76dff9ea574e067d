/** Signs in to a running Phleet like the dashboard does and returns the session cookie ("phleet_session=..."). */
export async function signIn(base: string, password: string): Promise<string> {
  const r = await fetch(`${base}/api/v1/auth/session`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ password }),
  });
  if (r.status !== 200) throw new Error(`sign-in answered ${r.status}: ${await r.text()}`);
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith("phleet_session="));
  if (!cookie) throw new Error("sign-in set no session cookie");
  return cookie.split(";")[0]!;
}
