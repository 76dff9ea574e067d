import { createRunning, expect, shoot, signIn, test } from "./fixtures";

const NAME = "e2e-cfg";

/** Issue 4's editor, as a person would use it: php.ini from the tree, edit, diff, Save, Restart, effect on the URL. */
test("edit php.ini of an app server, review the diff, save, restart and see the new session cookie", async ({ page, baseURL }) => {
  test.setTimeout(480_000);
  await signIn(page);
  const headers = { origin: baseURL! };

  const env = await createRunning(page, baseURL!, { name: NAME, appServer: { type: "apache-php", count: 1 }, sessionStore: { type: "memcached", count: 1 } });
  const envId = env.id;
  const url = env.url!;
  expect(new URL(url).hostname).toBe("127.0.0.1");

  try {
    await test.step("open php.ini of the app server from the tree", async () => {
      await page.goto(`/environments/${envId}/config`);
      await expect(page.getByRole("heading", { name: "Config files" })).toBeVisible();
      const tree = page.getByTestId(`tree-node-${NAME}-app-1`);
      await tree.getByRole("button", { name: "php.ini" }).click();
      await expect(page.getByTestId("open-file")).toContainText("/etc/php/8.2/apache2/php.ini");
      await expect(page.locator(".cm-content")).toContainText("[PHP]");
      await expect(page.getByTestId("unsaved-marker")).toHaveCount(0);
    });

    await test.step("find session.name with the editor's search and change it", async () => {
      await page.locator(".cm-content").click();
      await page.keyboard.press("Control+f");
      const search = page.getByRole("textbox", { name: "Find" });
      // Typed key by key: CodeMirror's search panel takes the query on keyup.
      await search.press("Control+a");
      await search.pressSequentially("PHPSESSID");
      await search.press("Enter");
      await search.press("Escape");
      await page.keyboard.type("PHLEETSID");
      await expect(page.getByTestId("unsaved-marker")).toBeVisible();
      await expect(page.locator(".cm-content")).toContainText("session.name = PHLEETSID");
    });

    await test.step("review the diff against the saved version, then save", async () => {
      await page.getByRole("button", { name: "Review & save" }).click();
      const dialog = page.getByRole("dialog");
      const diff = dialog.getByTestId("diff-view");
      await expect(diff.locator(".cm-deletedChunk")).toContainText("session.name = PHPSESSID");
      await expect(diff.locator(".cm-changedLine")).toContainText("session.name = PHLEETSID");
      await dialog.getByLabel("Note for the history (optional)").fill("rename the session cookie");
      await shoot(page, "20-config-diff", { fullPage: false });
      await dialog.getByRole("button", { name: "Save", exact: true }).click();
      await expect(dialog).toBeHidden({ timeout: 30_000 });
      await expect(page.getByTestId("save-status")).toContainText("Saved");
      await expect(page.getByTestId("unsaved-marker")).toHaveCount(0);
      const history = page.getByTestId("revision");
      await expect(history).toHaveCount(2);
      await expect(history.first()).toHaveAttribute("data-author", "admin");
      await expect(history.first()).toContainText("rename the session cookie");
    });

    // Saved but not restarted: the node still runs the old setting.
    const before = await page.request.get(`${url}/counter.php`);
    expect(before.headers()["set-cookie"]).toContain("PHPSESSID=");

    await test.step("restart the node and follow the progress", async () => {
      await page.getByRole("button", { name: "Restart node" }).click();
      const progress = page.getByTestId("task-progress");
      await expect(progress).toBeVisible();
      await expect(progress).toHaveAttribute("data-task-status", "succeeded", { timeout: 180_000 });
      await shoot(page, "21-config-restarted");
    });

    await test.step("the environment URL now answers with the new cookie", async () => {
      await expect
        .poll(async () => {
          const r = await page.request.get(`${url}/counter.php`);
          return r.status() === 200 ? (r.headers()["set-cookie"] ?? "") : `status ${r.status()}`;
        }, { timeout: 30_000 })
        .toContain("PHLEETSID=");
    });

    await test.step("a file with a syntax error is refused with the tool's message, and nothing changes", async () => {
      await page.locator(".cm-content").click();
      await page.keyboard.press("Control+f");
      const search = page.getByRole("textbox", { name: "Find" });
      await search.press("Control+a");
      await search.pressSequentially("PHLEETSID");
      await search.press("Enter");
      await search.press("Escape");
      await page.keyboard.type("(BROKEN");
      await expect(page.locator(".cm-content")).toContainText("session.name = (BROKEN");
      await expect(page.locator(".cm-content")).not.toContainText("(BROKEN)");
      await page.getByRole("button", { name: "Review & save" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("button", { name: "Save", exact: true }).click();
      await expect(dialog.getByTestId("validator-output")).toContainText("syntax error");
      await expect(dialog.getByTestId("validator-output")).toContainText("on line");
      await shoot(page, "22-config-refused", { fullPage: false });
      await dialog.getByRole("button", { name: "Keep editing" }).click();
      await expect(page.getByTestId("revision")).toHaveCount(2);
    });
  } finally {
    await page.request.delete(`/api/v1/environments/${envId}`, { headers });
    await expect
      .poll(async () => (await page.request.get(`/api/v1/environments/${envId}`)).status(), { timeout: 120_000, intervals: [2000] })
      .toBe(404);
  }
});
