import { expect, shoot, signIn, test } from "./fixtures";

// The engine cannot be stopped under a shared test run, so its 503 is played back to the page instead.
const ENGINE_DOWN = {
  error: { code: "engine_unavailable", message: "The Docker engine is not reachable: connect ENOENT /var/run/docker.sock" },
};

test("an unreachable engine shows the API's message with Retry, and Retry recovers", async ({ page }) => {
  await signIn(page);
  await page.route("**/api/v1/environments", (route) =>
    route.request().method() === "GET" ? route.fulfill({ status: 503, json: ENGINE_DOWN }) : route.continue(),
  );
  await page.reload();
  const panel = page.getByRole("alert").filter({ hasText: "Could not load the environments" });
  await expect(panel).toContainText("The Docker engine is not reachable: connect ENOENT /var/run/docker.sock", { timeout: 20_000 });
  await shoot(page, "09-engine-unreachable", { dark: true });

  await page.unroute("**/api/v1/environments");
  await panel.getByRole("button", { name: "Retry" }).click();
  await expect(panel).toBeHidden();
  await expect(page.getByRole("heading", { name: "No environments yet" })).toBeVisible();
});
