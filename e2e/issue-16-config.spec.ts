import path from "node:path";
import type { Page } from "@playwright/test";
import type { ConfigFile } from "../server/contracts/config-files";
import type { Environment } from "../server/contracts/environment";
import { axe, createRunning, expect, shoot, signIn, test, WIDTHS } from "./fixtures";

/**
 * Issue 16, points 5 and 9, in the config editor against the real app, engine and PHP (apache-php x2):
 * a refused layer-wide php.ini names the edited line and both nodes, the editor marks that line and
 * jumps to it, a save keeps the cursor and scroll; "restart needed" for a file saved or rolled back
 * without applying; the save message fits two nodes; one Current row; notes readable on a phone.
 */

const NAME = "e2e-i16c";
const PHP_INI = "/etc/php/8.2/apache2/php.ini";
const NOTE = "Rename the session cookie so the shop's cookie banner lists it under its own name";
const SHOTS = path.join(__dirname, ".screenshots");

async function pendingOf(page: Page, id: string): Promise<Record<string, string[]>> {
  const env = (await (await page.request.get(`/api/v1/environments/${id}`)).json()) as Environment;
  return Object.fromEntries(env.nodes.filter((n) => n.role === "app").map((n) => [n.hostname, n.pendingRestart]));
}

/** Puts the cursor on the first match of `text` (the editor's own search), selecting it. */
async function findInEditor(page: Page, text: string) {
  await page.locator(".cm-content").first().click();
  await page.keyboard.press("Control+f");
  const search = page.getByRole("textbox", { name: "Find" });
  await search.press("Control+a");
  await search.pressSequentially(text);
  await search.press("Enter");
  await search.press("Escape");
}

test("issue 16 (5, 9): refused line marked and jumped to, save keeps the cursor, restart needed after unapplied saves and rollbacks", async ({ page, baseURL }) => {
  test.setTimeout(600_000);
  await page.setViewportSize(WIDTHS[0]);
  await signIn(page);
  const env = await createRunning(page, baseURL!, { name: NAME, appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 1 } });
  const apps = env.nodes.filter((n) => n.role === "app").map((n) => n.hostname);
  const layerFile = (await (
    await page.request.get(`/api/v1/environments/${env.id}/layers/app/files?path=${encodeURIComponent(PHP_INI)}`)
  ).json()) as ConfigFile;
  const line = layerFile.content.split("\n").findIndex((l) => l === "session.name = PHPSESSID") + 1;
  expect(line).toBeGreaterThan(100);
  const editor = page.getByTestId("code-editor");

  try {
    await test.step("open php.ini of all app servers", async () => {
      await page.goto(`/environments/${env.id}/config`);
      await page.getByTestId("tree-layer-app").getByRole("button", { name: "php.ini" }).click();
      await expect(page.getByTestId("open-file")).toContainText(PHP_INI);
      await expect(editor.locator(".cm-content")).toContainText("[PHP]");
    });

    await test.step("a syntax error is refused naming the edited line (php stops a line later) and both nodes", async () => {
      await findInEditor(page, "PHPSESSID");
      await page.keyboard.type("(BROKEN");
      await page.getByRole("button", { name: "Review & save" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("button", { name: "Save", exact: true }).click();
      const refusal = dialog.getByTestId("refusal");
      // The check runs php on both nodes: give it time on a loaded machine.
      await expect(refusal.getByTestId("refused-line")).toHaveText(`Line ${line} is the line you edited; php stopped reading at line ${line + 1}.`, { timeout: 60_000 });
      await expect(dialog.getByRole("heading", { name: `Not saved: php refused the file on all 2 nodes at line ${line}` })).toBeVisible();
      await expect(refusal.getByTestId("refused-on")).toHaveText(`Refused by ${apps[0]} and ${apps[1]}. Nothing on the 2 nodes was changed.`);
      await expect(refusal.getByTestId("validator-output")).toContainText(`on line ${line + 1}`);
      await axe(page, "refused save");
      await shoot(page, "i16-config-refused", { fullPage: false });
    });

    await test.step("Show line N closes the review, marks the line, scrolls it into view and puts the cursor there", async () => {
      await page.getByRole("dialog").getByRole("button", { name: `Show line ${line}` }).click();
      await expect(page.getByRole("dialog")).toBeHidden();
      await expect(editor.locator(".cm-content")).toBeFocused();
      const mark = editor.locator(".cm-lintRange-error");
      await expect(mark).toHaveCount(1);
      await expect(mark).toContainText("session.name = (BROKEN");
      await expect(mark).toBeInViewport();
      await expect(editor.locator(".cm-lint-marker-error")).toHaveCount(1);
      await expect(editor.locator(".cm-activeLine")).toHaveText("session.name = (BROKEN");
      // The gutter's line number next to the mark is the one the error named.
      await expect(editor.locator(".cm-lineNumbers .cm-activeLineGutter")).toHaveText(String(line));
      await page.screenshot({ path: path.join(SHOTS, "i16-config-line-marked-1366.png"), animations: "disabled" });
      // On a phone, from the refusal shown under the editor: the page and the editor both scroll to the line.
      await page.setViewportSize(WIDTHS[1]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.getByRole("button", { name: `Show line ${line}` }).click();
      await expect(editor.locator(".cm-content")).toBeFocused();
      await expect(mark).toBeInViewport();
      // Not under the sticky header: the mark is what is on top at its own place.
      const box = (await mark.boundingBox())!;
      expect(await page.evaluate(({ x, y }) => !!document.elementFromPoint(x, y)?.closest(".cm-lintRange-error"), { x: box.x + 4, y: box.y + box.height / 2 })).toBe(true);
      await page.screenshot({ path: path.join(SHOTS, "i16-config-line-marked-390.png"), animations: "disabled" });
      await page.setViewportSize(WIDTHS[0]);
    });

    let scrollTop = 0;
    await test.step("the fix saved without applying: no jump to line 1, and the message names the 2 nodes", async () => {
      await page.keyboard.press("Home");
      await page.keyboard.press("Shift+End");
      await page.keyboard.type("session.name = PHLEETSID");
      await expect(editor.locator(".cm-activeLine")).toHaveText("session.name = PHLEETSID");
      scrollTop = await editor.locator(".cm-scroller").evaluate((el) => el.scrollTop);
      expect(scrollTop).toBeGreaterThan(1000);
      await page.getByRole("button", { name: "Review & save" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Note for the history (optional)").fill(NOTE);
      await dialog.getByRole("button", { name: "Save", exact: true }).click();
      await expect(dialog).toBeHidden({ timeout: 60_000 });
      await expect(page.getByTestId("save-status")).toHaveText(`Saved, not applied yet: restart the 2 nodes (${apps[0]} and ${apps[1]}) for it to take effect.`);
      await expect(page.getByTestId("unsaved-marker")).toHaveCount(0);
      await expect(editor.locator(".cm-lintRange-error")).toHaveCount(0);
      // The editor was not rebuilt: same line under the cursor, same scroll position, line 1 out of view.
      await expect(editor.locator(".cm-activeLine")).toHaveText("session.name = PHLEETSID");
      expect(Math.abs((await editor.locator(".cm-scroller").evaluate((el) => el.scrollTop)) - scrollTop)).toBeLessThan(3);
      await expect(editor.locator(".cm-line").filter({ hasText: /^\[PHP\]$/ })).toHaveCount(0);
      await shoot(page, "i16-config-saved-in-place", { fullPage: false });
    });

    await test.step("both node cards say Restart needed for the graceful php.ini saved without applying", async () => {
      expect(await pendingOf(page, env.id)).toEqual({ [apps[0]!]: [PHP_INI], [apps[1]!]: [PHP_INI] });
      await page.getByRole("link", { name: "Overview", exact: true }).click();
      const cards = page.locator('[data-testid=node-card][data-node-role="app"]');
      await expect(cards).toHaveCount(2);
      for (const i of [0, 1]) await expect(cards.nth(i).getByTestId("restart-needed")).toContainText(`${PHP_INI} saved but not applied`);
      await expect(page.locator('[data-testid=node-card][data-node-role="session"]').getByTestId("restart-needed")).toHaveCount(0);
      await axe(page, "environment page with restart needed");
      await shoot(page, "i16-config-restart-needed");
    });

    await test.step("restarting the app servers applies it: no longer pending", async () => {
      await page.getByRole("link", { name: "Config", exact: true }).click();
      await page.getByTestId("tree-layer-app").getByRole("button", { name: "php.ini" }).click();
      await page.getByRole("button", { name: "Restart all app servers (2)" }).click();
      const progress = page.getByTestId("task-progress");
      await expect(progress).toBeVisible();
      await expect(progress).toHaveAttribute("data-task-status", "succeeded", { timeout: 240_000 });
      expect(await pendingOf(page, env.id)).toEqual({ [apps[0]!]: [], [apps[1]!]: [] });
    });

    await test.step("a rollback saved without applying: exactly one Current row, and the nodes are pending again", async () => {
      const history = page.getByTestId("revision");
      await expect(history).toHaveCount(2);
      await page.locator("[data-testid=revision][data-author=phleet]").getByRole("button", { name: /^Roll back/ }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Roll back" }).click();
      await expect(history).toHaveCount(3);
      await expect(page.locator("[data-testid=revision][data-current=true]")).toHaveCount(1);
      await expect(page.getByTestId("revision-history").getByText("Current", { exact: true })).toHaveCount(1);
      await expect(history.first()).toHaveAttribute("data-current", "true");
      const saved = (await (await page.request.get(`/api/v1/environments/${env.id}/layers/app/files?path=${encodeURIComponent(PHP_INI)}`)).json()) as ConfigFile;
      expect(saved.content).toBe(layerFile.content);
      // The nodes run PHLEETSID (restarted above); the saved file says PHPSESSID again.
      expect(await pendingOf(page, env.id)).toEqual({ [apps[0]!]: [PHP_INI], [apps[1]!]: [PHP_INI] });
      await shoot(page, "i16-config-history-one-current");
    });

    await test.step("on a phone the notes wrap in full instead of being cut", async () => {
      await page.setViewportSize(WIDTHS[1]);
      const note = page.getByTestId("revision").filter({ hasText: NOTE }).getByTestId("revision-note");
      await expect(note).toHaveText(NOTE);
      const box = await note.evaluate((el) => ({ width: el.clientWidth, scroll: el.scrollWidth, height: el.clientHeight }));
      expect(box.width).toBeGreaterThan(250);
      expect(box.scroll).toBeLessThanOrEqual(box.width);
      expect(box.height).toBeGreaterThan(30); // more than one line: wrapped, not cut
      await page.getByTestId("revision-history").screenshot({ path: path.join(SHOTS, "i16-config-history-390.png"), animations: "disabled" });
      await page.setViewportSize(WIDTHS[0]);
      await page.getByTestId("revision-history").screenshot({ path: path.join(SHOTS, "i16-config-history-1366.png"), animations: "disabled" });
      await axe(page, "config editor with history");
    });

    await test.step("the environment page shows the pending rollback on both app node cards", async () => {
      await page.getByRole("link", { name: "Overview", exact: true }).click();
      const cards = page.locator('[data-testid=node-card][data-node-role="app"]');
      for (const i of [0, 1]) await expect(cards.nth(i).getByTestId("restart-needed")).toContainText(PHP_INI);
      await shoot(page, "i16-config-rollback-pending");
    });
  } finally {
    // Soft: a slow deletion must not hide the failure that got us here (the run's sweep removes what is left).
    await page.request.delete(`/api/v1/environments/${env.id}`, { headers: { origin: baseURL! } });
    await expect
      .soft(async () => expect((await page.request.get(`/api/v1/environments/${env.id}`)).status()).toBe(404))
      .toPass({ timeout: 120_000, intervals: [2000] });
  }
});
