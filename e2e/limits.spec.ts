import Docker from "dockerode";
import { createRunning, expect, shoot, signIn, test } from "./fixtures";

const NAME = "e2e-limits";

/** Issue 15, finding 7: a layer's resource limits changed in the dashboard reach the running containers. */
test("change the app layer's memory limit from the environment page", async ({ page, baseURL }) => {
  test.setTimeout(480_000);
  await signIn(page);
  const headers = { origin: baseURL! };
  const env = await createRunning(page, baseURL!, { name: NAME, appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 } });
  const envId = env.id;
  try {
    await page.goto(`/environments/${envId}`);
    const layer = page.locator('[data-layer="app"]');
    await layer.getByRole("button", { name: /Resource limits of the app servers layer/ }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByLabel("Memory (MB)")).toHaveValue("512");
    await expect(dialog).toContainText("uses the defaults of apache-php");

    // Out of range: the API's own message next to the field, nothing applied.
    await dialog.getByLabel("Memory (MB)").fill("8");
    await dialog.getByRole("button", { name: "Apply" }).click();
    await expect(dialog.getByText("memoryMb must be at least 32")).toBeVisible();
    await shoot(page, "15-limits-error", { fullPage: false });

    await dialog.getByLabel("Memory (MB)").fill("384");
    await dialog.getByLabel("CPU (cores)").fill("0.5");
    await dialog.getByRole("button", { name: "Apply" }).click();
    await expect(dialog).toBeHidden();

    const app = env.nodes.find((n) => n.role === "app")!;
    const hc = (await new Docker().getContainer(app.containerId!).inspect()).HostConfig;
    expect(hc.Memory).toBe(384 * 1024 * 1024);
    expect(hc.NanoCpus).toBe(0.5e9);

    await layer.getByRole("button", { name: /Resource limits of the app servers layer/ }).click();
    await expect(dialog.getByLabel("Memory (MB)")).toHaveValue("384");
    await expect(dialog).toContainText("This layer has its own limits");
    await shoot(page, "15-limits", { fullPage: false });
    await page.keyboard.press("Escape");
  } finally {
    await page.request.delete(`/api/v1/environments/${envId}`, { headers });
  }
});
