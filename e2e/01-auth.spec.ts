import { E2E_ADMIN_PASSWORD } from "./constants";
import { expect, shoot, signIn, test } from "./fixtures";

test("a signed-out visit goes to sign-in, a wrong password is refused, and the right one comes back", async ({ page, context }) => {
  await page.goto("/environments/new");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fenvironments%2Fnew$/);
  await expect(page.getByRole("heading", { name: "Sign in to Phleet" })).toBeVisible();
  await shoot(page, "01-sign-in", { dark: true });

  // Without a session the API refuses too.
  expect((await page.request.get("/api/v1/environments")).status()).toBe(401);

  await page.getByLabel("Admin password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong password" })).toBeVisible();
  await expect(page.getByLabel("Admin password")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/sign-in/);
  await shoot(page, "01-sign-in-wrong-password");

  await page.getByLabel("Admin password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/environments\/new$/);
  await expect(page.getByRole("heading", { name: "Create environment" })).toBeVisible();

  // The session cookie is out of reach of page scripts.
  const cookie = (await context.cookies()).find((c) => c.name === "phleet_session");
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
  expect(await page.evaluate(() => document.cookie)).not.toContain("phleet_session");
  // Nor does the API token reach the page (HTML, inline data or scripts).
  const token = process.env.PHLEET_E2E_TOKEN!;
  expect(token.length).toBeGreaterThan(16);
  expect(await page.content()).not.toContain(token);
  const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.src).filter(Boolean));
  for (const src of scripts) expect(await (await page.request.get(src)).text()).not.toContain(token);
});

test("an open redirect through ?next= is not possible", async ({ page }) => {
  await page.goto("/sign-in?next=//example.org/x");
  await page.getByLabel("Admin password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/" && url.hostname === "127.0.0.1");
});

test("the empty list leads to the wizard, and sign out ends the session", async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole("heading", { name: "No environments yet" })).toBeVisible();
  await shoot(page, "02-empty-list", { dark: true });
  await page.getByRole("link", { name: "Create environment" }).click();
  await expect(page).toHaveURL(/\/environments\/new$/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  expect((await page.request.get("/api/v1/environments")).status()).toBe(401);
});

test("an unknown environment shows a not-found panel, not a crash", async ({ page }) => {
  await signIn(page, "/environments/does-not-exist");
  await expect(page.getByRole("alert").filter({ hasText: "Environment not found" })).toBeVisible();
  await page.getByRole("link", { name: "All environments" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/");
});
