import { expect, shoot, signIn, test } from "./fixtures";

test("the wizard refuses a bad name and out-of-range counts, as you type and on submit", async ({ page, baseURL }) => {
  const posts: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().includes("/api/v1/environments")) posts.push(r.url());
  });
  await signIn(page, "/environments/new");

  const name = page.getByLabel("Environment name");
  await name.fill("Shop_1");
  await expect(page.locator("#env-name-error")).toHaveText("Name may contain only lowercase letters, digits and hyphens");
  await name.fill("-shop");
  await expect(page.locator("#env-name-error")).toHaveText("Name must start and end with a letter or digit");

  const appCount = page.getByLabel("Number of app servers");
  await appCount.fill("9");
  await expect(page.locator("#app-count-error")).toHaveText("App server count must be at most 8");
  await expect(page.getByRole("button", { name: "More app servers" })).toBeDisabled();
  await page.getByLabel("Number of session nodes").fill("0");
  await expect(page.locator("#session-count-error")).toHaveText("Session node count must be at least 1");
  // The picture stays drawable while a count is out of range.
  await expect(page.getByTestId("planned-node")).toHaveCount(1 + 8 + 1);

  await page.getByRole("button", { name: "Create environment" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "3 fields need attention" })).toBeVisible();
  await expect(page.locator("#env-name-error")).toBeVisible();
  await expect(page.locator("#app-count-error")).toBeVisible();
  await expect(name).toBeFocused();
  await expect(page).toHaveURL(/\/environments\/new$/);
  expect(posts, "nothing is sent while the form is invalid").toEqual([]);
  await shoot(page, "03-wizard-errors");

  // Fixing each field clears its message.
  await page.getByRole("button", { name: "Fewer app servers" }).click();
  await expect(appCount).toHaveValue("8");
  await page.getByRole("button", { name: "More session nodes" }).click();
  await expect(page.getByLabel("Number of session nodes")).toHaveValue("1");
  await name.fill("shop");
  await expect(page.locator("[id$='-error']")).toHaveCount(0);
  await expect(page.getByRole("alert").filter({ hasText: "need attention" })).toHaveCount(0);

  // The session-node hint says what the chosen store survives.
  const storeHint = page.locator("#session-count-hint");
  await expect(storeHint).toContainText("With one node, sessions are lost if it fails");
  await page.getByRole("button", { name: "More session nodes" }).click();
  await expect(storeHint).toContainText("Every session is kept on all 2 nodes");
  await page.getByRole("radio", { name: /Redis/ }).click();
  await expect(storeHint).toContainText("split across the nodes, not copied");

  // The API applies the same rules (shared schema) and says where.
  const r = await page.request.post("/api/v1/environments", {
    data: { name: "Shop_1", appServer: { type: "nginx-php", count: 9 }, sessionStore: { type: "redis", count: 1 } },
    headers: { origin: baseURL! },
  });
  expect(r.status()).toBe(422);
  const paths = ((await r.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
  expect(paths).toEqual(expect.arrayContaining(["name", "appServer.count"]));
});
