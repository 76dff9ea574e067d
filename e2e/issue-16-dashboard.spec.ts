import type { Locator, Page } from "@playwright/test";
import type { Environment, Task } from "../server/contracts/environment";
import { axe, expect, shoot, signIn, test, WIDTHS } from "./fixtures";

/**
 * Issue 16 as a first-time user meets it, against the real app and engine: keyboard-only creation,
 * scaling and deletion; environment-wide Stop/Start/Restart; the degraded badge; the task history;
 * honest statistics; and an axe check of every page at 1366x800 and 390x844.
 */

const NAME = "e2e-i16";
/** Presses Tab until `target` has focus (keyboard only), at most `max` times. */
async function tabTo(page: Page, target: Locator, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

const focusedTag = (page: Page) => page.evaluate(() => `${document.activeElement?.tagName.toLowerCase()}#${document.activeElement?.id ?? ""}`);

async function envOf(page: Page, id: string): Promise<Environment> {
  return (await (await page.request.get(`/api/v1/environments/${id}`)).json()) as Environment;
}

async function waitTask(page: Page, id: string, kind: string, timeout = 240_000): Promise<Task> {
  let last: Task | null = null;
  await expect
    .poll(
      async () => {
        const tasks = ((await (await page.request.get(`/api/v1/environments/${id}/tasks`)).json()) as { items: Task[] }).items;
        last = tasks.find((t) => t.kind === kind) ?? null;
        return last?.status ?? "none";
      },
      { timeout, intervals: [1000] },
    )
    .toMatch(/succeeded|failed/);
  expect(last!.status, `${kind}: ${last!.error}`).toBe("succeeded");
  return last!;
}

test("issue 16: keyboard-only create, scale, stop/start/restart, degraded, task history, stats, delete; axe on every page", async ({ page, context, baseURL }) => {
  test.setTimeout(900_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL! });
  await page.addInitScript(() => {
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    navigator.clipboard.writeText = async (text: string) => {
      (window as unknown as { __copied?: string }).__copied = text;
      await write(text).catch(() => undefined);
    };
  });
  await page.setViewportSize(WIDTHS[0]);

  await test.step("sign-in page passes axe, and signing in works by keyboard", async () => {
    await page.goto("/sign-in");
    await axe(page, "sign-in");
    await signIn(page);
    await axe(page, "environment list (empty or not)");
  });

  let envId = "";
  await test.step("keyboard-only creation; radios select with arrows; the stepper keeps focus at its minimum; preview shows only valid names", async () => {
    await page.goto("/environments/new");
    await axe(page, "wizard");
    const apache = page.getByRole("radio", { name: /Apache PHP 8\.2/ });
    const nginx = page.getByRole("radio", { name: /NGINX PHP-FPM 8\.2/ });
    await tabTo(page, apache);
    await page.keyboard.press("ArrowRight");
    await expect(nginx).toBeFocused();
    await expect(nginx).toHaveAttribute("aria-checked", "true");
    await expect(apache).toHaveAttribute("aria-checked", "false");
    await page.keyboard.press("ArrowLeft");
    await expect(apache).toHaveAttribute("aria-checked", "true");
    // Redis: its redis.conf takes effect on a restart only (the "restart needed" step below).
    const memcached = page.getByRole("radio", { name: /Memcached/ });
    await tabTo(page, memcached);
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("radio", { name: /Redis/ })).toHaveAttribute("aria-checked", "true");

    // 2 -> 1: the Fewer button disables itself; focus must land on the count, not on <body>.
    const fewer = page.getByRole("button", { name: "Fewer app servers" });
    await tabTo(page, fewer);
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Number of app servers")).toHaveValue("1");
    await expect(fewer).toBeDisabled();
    expect(await focusedTag(page)).not.toBe("body#");
    await expect(page.getByLabel("Number of app servers")).toBeFocused();
    await page.keyboard.press("ArrowUp");
    await expect(page.getByLabel("Number of app servers")).toHaveValue("2");

    const name = page.getByLabel("Environment name");
    await tabTo(page, name);
    await page.keyboard.type("Bad_Name");
    await expect(page.getByTestId("planned-node").filter({ hasText: "Bad_Name" })).toHaveCount(0);
    await expect(page.getByTestId("planned-node").first()).toContainText("my-env");
    await shoot(page, "i16-wizard-invalid-name");
    await page.keyboard.press("Control+A");
    await page.keyboard.type(NAME);
    await expect(page.getByTestId("planned-node").filter({ hasText: `${NAME}-app-2` })).toHaveCount(1);
    await tabTo(page, page.getByRole("button", { name: "Create environment" }));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/environments\/(?!new$)[^/]+$/);
    envId = new URL(page.url()).pathname.split("/").pop()!;
  });

  try {
    await test.step("the URL is not a link before the balancer runs; then the environment runs", async () => {
      const status = page.getByTestId("environment-status");
      if (/Creating/.test((await status.textContent()) ?? "")) {
        await expect(page.getByTestId("environment-url-pending")).toBeVisible();
        await expect(page.getByTestId("environment-url")).toHaveCount(0);
        await shoot(page, "i16-creating-url");
      }
      await expect(status).toContainText(/Running|Failed|Degraded/, { timeout: 300_000 });
      await expect(status).toContainText("Running", { timeout: 60_000 });
      await expect(page.getByTestId("environment-url")).toBeVisible();
      await axe(page, "environment page");
    });

    await test.step("Info: copy the IP; the container ID copy says it is the full ID", async () => {
      const card = page.locator('[data-testid=node-card][data-node-role="session"]');
      await card.getByRole("button", { name: /^Info about/ }).click();
      const dialog = page.getByRole("dialog");
      const ip = (await dialog.getByTestId("node-ip").textContent())!.trim();
      await dialog.getByRole("button", { name: "Copy IP" }).click();
      // What the app hands to the clipboard (recorded by the init script; the shared machine's clipboard is not reliable).
      await expect.poll(() => page.evaluate(() => (window as unknown as { __copied?: string }).__copied)).toBe(ip);
      const fullId = (await dialog.getByTestId("container-id").getAttribute("title"))!;
      expect(fullId).toHaveLength(64);
      await expect(dialog.getByTestId("container-id")).toHaveText(fullId.slice(0, 12));
      await expect(dialog).toContainText("the copy is the full 64-character ID");
      await dialog.getByRole("button", { name: "Copy full ID" }).click();
      await expect.poll(() => page.evaluate(() => (window as unknown as { __copied?: string }).__copied)).toBe(fullId);
      await axe(page, "node Info dialog");
      await shoot(page, "i16-node-info", { fullPage: false });
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
    });

    await test.step("a saved redis.conf (restart-only) marks the node Restart needed until it is restarted", async () => {
      const env = await envOf(page, envId);
      const store = env.nodes.find((n) => n.role === "session")!;
      const filesUrl = `/api/v1/environments/${envId}/nodes/${store.id}/files?path=${encodeURIComponent("/etc/redis/redis.conf")}`;
      const file = (await (await page.request.get(filesUrl)).json()) as { content: string; sha256: string };
      const saved = await page.request.put(filesUrl, {
        data: { content: `${file.content.trimEnd()}\n# issue 16: pending until restart\n`, baseSha256: file.sha256, apply: "none", message: "e2e i16" },
        headers: { origin: baseURL! },
      });
      expect(saved.status(), await saved.text()).toBe(200);
      const card = page.locator('[data-testid=node-card][data-node-role="session"]');
      await expect(card.getByTestId("restart-needed")).toContainText("/etc/redis/redis.conf", { timeout: 15_000 });
      await shoot(page, "i16-restart-needed");
      await card.getByRole("button", { name: /^Restart / }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Restart" }).click();
      await expect(card.getByTestId("restart-needed")).toHaveCount(0, { timeout: 60_000 });
      await expect(page.getByTestId("environment-status")).toContainText("Running", { timeout: 90_000 });
    });

    await test.step("keyboard-only scaling 2 -> 3 -> 2 with the progress panel; the disclosure names the last task", async () => {
      const control = page.getByTestId("scale-control");
      await tabTo(page, control.getByRole("button", { name: "More app servers" }));
      await page.keyboard.press("Enter");
      await expect(control.getByLabel("Count")).toHaveValue("3");
      await tabTo(page, control.getByRole("button", { name: "Scale to 3" }));
      const began = Date.now();
      await page.keyboard.press("Enter");
      const progress = page.getByTestId("task-progress");
      await expect(progress).toBeVisible();
      await expect(progress).toContainText(/Scaling the app servers|App servers scaled/);
      await shoot(page, "i16-scaling-up");
      await waitTask(page, envId, "environment.scale");
      console.log(`[i16] scale 2 -> 3 took ${((Date.now() - began) / 1000).toFixed(1)} s`);
      await expect(page.locator('[data-testid=node-card][data-node-role="app"]')).toHaveCount(3, { timeout: 30_000 });
      await expect(page.getByTestId("last-task-summary")).toContainText("Last task: App servers scaled", { timeout: 30_000 });
      await expect(page.getByText("How it was created")).toHaveCount(0);

      // Down again with the count field itself: ArrowDown, then Enter submits.
      const count = control.getByLabel("Count");
      await expect(count).toHaveValue("3");
      await tabTo(page, count);
      await page.keyboard.press("ArrowDown");
      await expect(count).toHaveValue("2");
      await page.keyboard.press("Enter");
      await expect
        .poll(async () => ((await (await page.request.get(`/api/v1/environments/${envId}/tasks`)).json()) as { items: Task[] }).items.filter((t) => t.kind === "environment.scale").length, { timeout: 30_000 })
        .toBe(2);
      await waitTask(page, envId, "environment.scale");
      await expect(page.locator('[data-testid=node-card][data-node-role="app"]')).toHaveCount(2, { timeout: 30_000 });
      await shoot(page, "i16-scaled");
    });

    await test.step("a stopped app node makes the environment Degraded; started again it is Running", async () => {
      const app2 = page.locator('[data-testid=node-card][data-node-role="app"]').nth(1);
      await app2.getByRole("button", { name: /^Stop / }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Stop" }).click();
      await expect(page.getByTestId("environment-status")).toContainText("Degraded", { timeout: 30_000 });
      await expect(page.getByTestId("environment-status").locator("[data-health]")).toHaveAttribute("data-health", "degraded");
      await shoot(page, "i16-degraded");
      await app2.getByRole("button", { name: /^Start / }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Start" }).click();
      await expect(page.getByTestId("environment-status")).toContainText("Running", { timeout: 90_000 });
    });

    await test.step("environment-wide Restart (rolling) keeps serving; Stop then Start", async () => {
      const url = (await envOf(page, envId)).url!;
      await page.getByRole("button", { name: "Restart the environment (rolling)" }).click();
      await axe(page, "restart confirmation");
      await page.getByRole("alertdialog").getByRole("button", { name: "Restart one at a time" }).click();
      // Requests during the rolling restart: the balancer keeps answering (bounded loop, to 127.0.0.1 only).
      let failed = 0;
      let sent = 0;
      const deadline = Date.now() + 120_000;
      for (;;) {
        const tasks = ((await (await page.request.get(`/api/v1/environments/${envId}/tasks`)).json()) as { items: Task[] }).items;
        const t = tasks.find((x) => x.kind === "environment.restart");
        if (t && (t.status === "succeeded" || t.status === "failed")) break;
        if (Date.now() > deadline || sent > 400) break;
        const r = await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => null);
        sent++;
        if (!r || r.status >= 500) failed++;
        await new Promise((res) => setTimeout(res, 200));
      }
      const restart = await waitTask(page, envId, "environment.restart");
      console.log(`[i16] rolling restart: ${sent} requests during it, ${failed} failed, ${restart.steps.length} steps`);
      expect(failed).toBe(0);
      await shoot(page, "i16-restarted");

      await page.getByRole("button", { name: "Stop the environment" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Stop the environment" }).click();
      await waitTask(page, envId, "environment.stop", 120_000);
      await expect(page.getByTestId("environment-status")).toContainText("Stopped", { timeout: 30_000 });
      await expect(page.getByTestId("environment-url")).toHaveCount(0);
      await shoot(page, "i16-stopped");
      await page.getByRole("button", { name: "Start the environment" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Start the environment" }).click();
      await waitTask(page, envId, "environment.start");
      await expect(page.getByTestId("environment-status")).toContainText("Running", { timeout: 60_000 });
      expect((await fetch(url, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
    });

    await test.step("the Tasks tab lists every task with its steps; focus moves to the new page's heading", async () => {
      await page.getByRole("link", { name: "Tasks", exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`/environments/${envId}/tasks$`));
      const heading = page.getByRole("heading", { level: 1, name: /^Tasks/ });
      await expect(heading).toBeVisible();
      await expect(heading).toBeFocused();
      const rows = page.getByTestId("task-row");
      // Every task, newest first (not only the last one).
      await expect(rows).toHaveCount(6);
      const kinds = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-task-kind")));
      expect(kinds).toEqual(["environment.start", "environment.stop", "environment.restart", "environment.scale", "environment.scale", "environment.create"]);
      const create = page.locator("[data-testid=task-row][data-task-kind='environment.create']");
      await create.locator("summary").click();
      await expect(create.locator("[data-step-status=succeeded]")).toHaveCount(6);
      await axe(page, "task history");
      await shoot(page, "i16-task-history");
    });

    await test.step("statistics: one 404 does not turn the 2xx red; no internal stream notes; health agrees with the cards", async () => {
      const url = (await envOf(page, envId)).url!;
      for (let i = 0; i < 40; i++) await fetch(`${url}/`, { signal: AbortSignal.timeout(5000) });
      expect((await fetch(`${url}/favicon.ico`, { signal: AbortSignal.timeout(5000) })).status).toBe(404);
      await page.getByRole("link", { name: "Statistics", exact: true }).click();
      const status = page.getByTestId("figure-status");
      await expect(status).toContainText(/[1-9]\d* 4xx/, { timeout: 30_000 });
      const value = status.locator("div").nth(1);
      await expect(value).not.toHaveClass(/text-danger/);
      await expect(page.getByText(/log stream reopened/)).toHaveCount(0);
      const env = await envOf(page, envId);
      const shares = page.getByTestId("node-share");
      await expect(shares).toHaveCount(2);
      await expect(shares.getByText(/unhealthy|missing|stopped/)).toHaveCount(0);
      for (const n of env.nodes.filter((x) => x.role === "app")) expect(n.status).toBe("running");
      await axe(page, "statistics");
      await shoot(page, "i16-stats");
    });

    await test.step("config editor: on a phone a tapped file opens in view", async () => {
      await page.getByRole("link", { name: "Config", exact: true }).click();
      await expect(page.getByRole("heading", { name: "Config files" })).toBeVisible();
      await axe(page, "config editor");
      await page.setViewportSize(WIDTHS[1]);
      const tree = page.getByTestId(`tree-node-${NAME}-app-1`);
      await tree.getByRole("button", { name: "php.ini" }).click();
      await expect(page.locator(".cm-content")).toContainText("[PHP]");
      await expect(page.getByTestId("open-file")).toBeInViewport();
      await page.screenshot({ path: "e2e/.screenshots/i16-config-phone-390.png" });
      await page.setViewportSize(WIDTHS[0]);
    });

    await test.step("keyboard-only deletion: the dialog focuses the name field; the list confirms it", async () => {
      await page.getByRole("link", { name: "Overview", exact: true }).click();
      await expect(page.getByTestId("environment-status")).toContainText("Running");
      const del = page.getByRole("button", { name: "Delete", exact: true });
      await tabTo(page, del);
      await page.keyboard.press("Enter");
      const field = page.getByRole("alertdialog").getByLabel(/to confirm/);
      await expect(field).toBeFocused();
      await axe(page, "delete dialog");
      await page.keyboard.type(NAME);
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(/\/$/);
      await expect(page.getByTestId("flash")).toContainText(`${NAME} is being deleted`);
      await shoot(page, "i16-deleted");
      await axe(page, "environment list");
      await expect.poll(async () => (await page.request.get(`/api/v1/environments/${envId}`)).status(), { timeout: 180_000, intervals: [2000] }).toBe(404);
      envId = "";
    });

    await test.step("the 404 page passes axe", async () => {
      await page.goto("/no-such-page");
      await axe(page, "not found");
    });
  } finally {
    if (envId) await page.request.delete(`/api/v1/environments/${envId}`, { headers: { origin: baseURL! } }).catch(() => undefined);
  }
});
