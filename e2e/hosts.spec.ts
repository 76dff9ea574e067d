import { axe, expect, shoot, signIn, test, WIDTHS } from "./fixtures";

/**
 * Issue 18's Hosts page on the embedded default (one Docker engine): reachable from the header at both widths,
 * it says there is one engine and how to spread over several, and drain is refused by the API with a reason.
 * The Swarm side of the page's API is covered by server/environments/swarm.integration.test.ts.
 */
test("the Hosts page on a single engine: reachable from the header, says how to use several hosts", async ({ page, baseURL }) => {
  await signIn(page);
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Hosts" }).click();
    await expect(page).toHaveURL(/\/hosts$/);
    await expect(page.getByRole("heading", { name: "Hosts", level: 1 })).toBeVisible();
    await expect(page.getByText("One Docker engine")).toBeVisible();
    await expect(page.getByText("PHLEET_SWARM_HOSTS")).toBeVisible();
    // The header fits a phone: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  }
  await axe(page, "hosts (single engine)");
  await shoot(page, "hosts-single-engine");

  const list = await page.request.get("/api/v1/hosts");
  expect(await list.json()).toEqual({ mode: "single-engine", hosts: [], joinCommand: null });
  const drain = await page.request.post("/api/v1/hosts/any/drain", { headers: { origin: new URL(baseURL!).origin } });
  expect(drain.status()).toBe(409);
  expect(((await drain.json()) as { error: { message: string } }).error.message).toMatch(/single Docker engine/);
  const labels = await page.request.put("/api/v1/hosts/any/labels", { headers: { origin: new URL(baseURL!).origin }, data: { labels: { zone: "a" } } });
  expect(labels.status()).toBe(409);
});
