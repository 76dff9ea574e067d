import { E2E_ADMIN_PASSWORD } from "./constants";
import { expect, test } from "./fixtures";

/** Issue 15, finding 2, in the browser: after signing in, `next` never leads off the dashboard. */
for (const [label, next, path] of [
  ["a tab between the slashes", "%2F%09%2Fevil.example", "/"],
  ["a newline between the slashes", "%2F%0A%2Fevil.example", "/"],
  ["a backslash", "%2F%5Cevil.example", "/"],
  ["a dashboard page", "%2Fenvironments%2Fnew", "/environments/new"],
] as const) {
  test(`sign-in with ?next= ${label} lands on ${path}`, async ({ page, baseURL }) => {
    const res = await page.goto(`/sign-in?next=${next}`);
    expect(res?.status()).toBe(200);
    await page.getByLabel("Admin password").fill(E2E_ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).not.toHaveURL(/\/sign-in/);
    const url = new URL(page.url());
    expect(url.origin).toBe(new URL(baseURL!).origin);
    expect(url.pathname).toBe(path);
    // The foreignRequests fixture also fails the test if the browser asked evil.example for anything.
  });
}
