import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createRunning, expect, shoot, signIn, test } from "./fixtures";

const NAME = "e2e-deploy";

/** Issue 11's Deployments tab, as a person would use it: upload an archive, watch it roll out, open it, roll back. */
test("upload an archive in the dashboard, watch the progress, open the new release, roll back", async ({ page, baseURL, context }) => {
  test.setTimeout(480_000);
  await signIn(page);
  const headers = { origin: baseURL! };
  const env = await createRunning(page, baseURL!, { name: NAME, appServer: { type: "nginx-php", count: 2 }, sessionStore: { type: "memcached", count: 1 } });
  const envId = env.id;
  const url = env.url!;
  expect(new URL(url).hostname).toBe("127.0.0.1");

  // A small release of the user's own: a page that says which release it is.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-release-"));
  fs.mkdirSync(path.join(dir, "public"));
  fs.writeFileSync(path.join(dir, "public", "index.php"), "<?php echo '<h1>Hello from release two</h1>';\n");
  const archive = path.join(os.tmpdir(), `e2e-release-${Date.now()}.tar.gz`);
  execFileSync("tar", ["-C", dir, "-czf", archive, "."]);

  try {
    await test.step("open the Deployments tab: the demo app is the current release", async () => {
      await page.goto(`/environments/${envId}`);
      await page.getByRole("link", { name: "Deployments" }).click();
      await expect(page.getByRole("heading", { name: "Deployments" })).toBeVisible();
      const releases = page.getByTestId("releases");
      await expect(releases).toContainText("Phleet demo app");
      await expect(releases).toContainText("current");
      await shoot(page, "deployments-empty");
    });

    await test.step("upload the archive with a document root and watch each app server switch", async () => {
      await page.getByLabel("Archive to deploy").setInputFiles(archive);
      await expect(page.getByTestId("drop-zone")).toContainText(path.basename(archive));
      await page.getByLabel("Document root (optional)").fill("public");
      await page.getByLabel("Message (optional)").fill("release two");
      await page.getByRole("button", { name: "Deploy archive" }).click();
      const progress = page.getByTestId("deployment-progress");
      await expect(progress).toContainText(`Switch ${NAME}-app-1 and check it`);
      await expect(progress).toContainText(`Switch ${NAME}-app-2 and check it`);
      await expect(progress).toContainText("succeeded", { timeout: 120_000 });
      await expect(progress).toContainText(/answers GET \/ with HTTP 200/);
      const row = page.getByTestId("releases").locator("tr", { hasText: "release two" });
      await expect(row).toContainText("current");
      await expect(row).toContainText("docroot public");
      await shoot(page, "deployments-after-upload");
    });

    await test.step("open the new release through the environment's URL", async () => {
      const tab = await context.newPage();
      await tab.goto(url);
      await expect(tab.getByRole("heading", { name: "Hello from release two" })).toBeVisible();
      await tab.close();
    });

    await test.step("roll back to the demo app in one click", async () => {
      await page.getByRole("button", { name: "Roll back to Phleet demo app" }).click();
      const demoRow = page.getByTestId("releases").locator("tr", { hasText: "Phleet demo app" });
      await expect(demoRow).toContainText("current", { timeout: 120_000 });
      await expect(page.getByTestId("releases").locator("tr", { hasText: "release two" })).toContainText("rolled back");
      const tab = await context.newPage();
      await tab.goto(url);
      await expect(tab.getByRole("heading", { name: "Phleet demo" })).toBeVisible();
      await tab.close();
      await shoot(page, "deployments-rolled-back");
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(archive, { force: true });
    await page.request.delete(`/api/v1/environments/${envId}`, { headers });
  }
});
