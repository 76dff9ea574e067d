import { createRunning, expect, shoot, signIn, test } from "./fixtures";

const NAME = "e2e-stats";

/** Issue 5's acceptance in the browser: the live panel's per-node chart moves while test traffic runs. */
test("live statistics: the per-node chart moves while test traffic runs, both app nodes share it", async ({ page }) => {
  test.setTimeout(420_000);
  await signIn(page);
  const origin = new URL(page.url()).origin;
  const { id } = await createRunning(page, origin, {
    name: NAME,
    appServer: { type: "apache-php", count: 2 },
    sessionStore: { type: "memcached", count: 1 },
    loadBalancer: { type: "nginx" },
  });

  try {
    await page.goto(`/environments/${id}/stats`);
    await expect(page.getByRole("heading", { name: new RegExp(NAME) })).toBeVisible();
    await expect(page.getByTestId("stats-panel")).toBeVisible();
    await expect(page.getByTestId("collector-state")).toHaveText(/Live/, { timeout: 30_000 });
    await expect(page.getByTestId("node-share")).toHaveCount(2);

    const chart = page.getByTestId("requests-chart");
    const windowTotal = async () => Number(await chart.getAttribute("data-window-total"));
    const curves = () => chart.locator(".recharts-area-curve").evaluateAll((els) => els.map((e) => e.getAttribute("d") ?? ""));
    const before = await windowTotal();

    await page.getByLabel("Requests", { exact: true }).fill("400");
    await page.getByLabel("Rate (per second)", { exact: true }).fill("40");
    await page.getByLabel("Sessions", { exact: true }).fill("8");
    await page.getByRole("button", { name: "Send test traffic" }).click();
    await expect(page.getByTestId("traffic-run")).toHaveAttribute("data-status", "running");

    // While it runs, the chart keeps moving: more requests in its window and redrawn lines, tick after tick.
    const first = await curves();
    await expect.poll(windowTotal, { timeout: 15_000 }).toBeGreaterThan(before + 30);
    const second = await curves();
    expect(second).not.toEqual(first);
    const mid = await windowTotal();
    await expect.poll(windowTotal, { timeout: 15_000 }).toBeGreaterThan(mid + 30);
    expect(await curves()).not.toEqual(second);
    await expect(page.getByTestId("traffic-run")).toHaveAttribute("data-status", "running");
    await shoot(page, "stats-live", { dark: true });

    // Both app nodes answered a share, and the totals add up to what was sent.
    await expect(page.getByTestId("traffic-run")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
    const totals = await page.getByTestId("node-share").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-total"))));
    expect(Math.min(...totals)).toBeGreaterThan(0);
    await expect.poll(windowTotal, { timeout: 5000 }).toBeGreaterThanOrEqual(before + 400);
    await expect(page.getByTestId("session-count")).toHaveText(/^\d+$/);
  } finally {
    await page.request.delete(`/api/v1/environments/${id}`, { headers: { origin } });
    await expect
      .poll(async () => (await page.request.get(`/api/v1/environments/${id}`)).status(), { timeout: 120_000, intervals: [1000] })
      .toBe(404);
  }
});
