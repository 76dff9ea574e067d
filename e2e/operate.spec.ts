import type { WebSocket } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "./constants";
import { createRunning, expect, shoot, signIn, test } from "./fixtures";

const NAME = "e2e-ops";

/** Issue 14 as a person uses it: a node's terminal (php -v, ls, resize, sign-out), its logs, the audit page. */
test("terminal into an app server, live logs of the layer, and the audit trail", async ({ page, baseURL, context }) => {
  test.setTimeout(480_000);
  await signIn(page);
  const headers = { origin: baseURL! };
  const env = await createRunning(page, baseURL!, { name: NAME, appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 1 } });
  const envId = env.id;
  const app = env.nodes.find((n) => n.role === "app")!;
  const term = page.getByTestId("terminal");
  const screen = term.locator(".xterm-rows");
  /** The terminal's rows, one line each (xterm draws a div per row). */
  const rows = () => screen.evaluate((el) => Array.from(el.children, (c) => (c.textContent ?? "").trimEnd()).join("\n"));
  const run = async (cmd: string) => {
    await term.click();
    await page.keyboard.type(cmd);
    await page.keyboard.press("Enter");
  };
  /** Columns the shell sees (stty size prints "rows cols"), read after a fresh marker. */
  const sttyCols = async (marker: string) => {
    await run(`clear; echo ${marker} $(stty size)`);
    const re = new RegExp(`${marker} (\\d+) (\\d+)`);
    await expect.poll(rows).toMatch(re);
    return Number(re.exec(await rows())![2]);
  };

  let terminalSocket: WebSocket | null = null;
  try {
    await test.step("open the terminal of an app server from the environment page", async () => {
      await page.goto(`/environments/${envId}`);
      await expect(page.getByRole("link", { name: `Logs of ${app.hostname}` })).toBeVisible();
      await shoot(page, "43-environment-node-tools", { fullPage: false });
      const socket = page.waitForEvent("websocket", { predicate: (ws) => ws.url().endsWith("/terminal") });
      await page.getByRole("link", { name: `Terminal of ${app.hostname}` }).click();
      terminalSocket = await socket;
      await expect(page.getByRole("heading", { name: `Terminal: ${app.hostname}` })).toBeVisible();
      await expect(page.getByTestId("terminal-status")).toHaveAttribute("data-status", "open", { timeout: 20_000 });
    });

    await test.step("php -v and ls /var/www show their output", async () => {
      await run("php -v");
      await expect(screen).toContainText(/PHP 8\.2\.\d+ \(cli\)/);
      await run("ls /var/www");
      // The release layout of the app-server images: the releases, the served `current` link and html (a link to it).
      await expect.poll(rows).toMatch(/^current +html +releases$/m);
      await run("echo grüße-$((6*7))");
      await expect(screen).toContainText("grüße-42");
      await shoot(page, "40-terminal", { fullPage: false });
    });

    await test.step("resizing the window resizes the terminal", async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      const wide = await sttyCols("wide");
      await page.setViewportSize({ width: 700, height: 800 });
      await expect.poll(() => sttyCols(`narrow${Date.now() % 1000}`), { timeout: 10_000 }).toBeLessThan(wide - 20);
      await page.setViewportSize({ width: 1280, height: 800 });
    });

    await test.step("signing out (here, in another tab) closes the terminal", async () => {
      const closed = new Promise<void>((resolve) => terminalSocket!.on("close", () => resolve()));
      const other = await context.newPage();
      await other.goto("/");
      const started = Date.now();
      await other.getByRole("button", { name: "Sign out" }).click();
      await expect(other).toHaveURL(/\/sign-in/);
      await other.close();
      // Whichever comes first ends this tab's terminal: the server's session check closes the socket (4401), or the
      // page's own next API call gets a 401 and navigates to sign-in, which tears the socket down. After such a
      // navigation Chromium may not report the socket's close to Playwright, so the wait is for either, and bounded.
      const how = await Promise.race([
        closed.then(() => "socket closed"),
        page.waitForURL(/\/sign-in/, { timeout: 15_000 }).then(() => "page left for sign-in"),
      ]);
      console.log(`terminal ended ${Date.now() - started} ms after sign-out (${how})`);
      await expect(page).toHaveURL(/\/sign-in/, { timeout: 10_000 });
      await signIn(page);
    });

    await test.step("live logs of the app layer: follow, filter, pause", async () => {
      const marker = `e2e${Date.now().toString(36)}`;
      await page.goto(`/environments/${envId}`);
      await page.getByRole("link", { name: "Logs", exact: true }).click();
      await expect(page.getByRole("heading", { name: /Logs: App server layer/ })).toBeVisible();
      await page.getByLabel("Source").selectOption("access");
      await expect(page.getByText("Live", { exact: true })).toBeVisible({ timeout: 10_000 });
      const lines = page.getByTestId("log-lines");
      for (let i = 0; i < 3; i++) await page.request.get(`${env.url}/index.php?m=${marker}`);
      await expect(lines).toContainText(marker, { timeout: 5000 });
      await page.getByLabel("Filter").fill(marker);
      await expect(lines.locator("[data-stream]")).toHaveCount(3);
      await shoot(page, "41-logs", { fullPage: false });
      await page.getByRole("button", { name: "Pause" }).click();
      await page.request.get(`${env.url}/index.php?m=${marker}`);
      await expect(page.getByRole("button", { name: /Resume \(\d+ new\)/ })).toBeVisible({ timeout: 5000 });
      await expect(lines.locator("[data-stream]")).toHaveCount(3);
      await page.getByRole("button", { name: /Resume/ }).click();
      await expect(lines.locator("[data-stream]")).toHaveCount(4);
      // By stream: access lines are stdout, so none on stderr.
      await page.getByLabel("Stream").selectOption("stderr");
      await expect(lines).toContainText("No line matches the filter.");
      await page.getByLabel("Stream").selectOption("");
      await expect(lines.locator("[data-stream]")).toHaveCount(4);
      // Jump to a time after those requests: they are left out; "Latest" brings them back.
      const after = await page.evaluate(() => {
        const d = new Date(Date.now() + 1500);
        const p = (n: number) => String(n).padStart(2, "0");
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
      });
      await page.waitForTimeout(2000);
      await page.getByLabel("Jump to").fill(after);
      await page.getByRole("button", { name: "Go" }).click();
      await expect(page).toHaveURL(/since=/);
      await expect(page.getByText("Live", { exact: true })).toBeVisible({ timeout: 10_000 });
      await expect(lines.locator("[data-stream]")).toHaveCount(0);
      await page.getByRole("button", { name: "Latest" }).click();
      await expect(lines.locator("[data-stream]")).toHaveCount(4, { timeout: 10_000 });
    });

    await test.step("the audit page lists the terminal session and the create", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
      await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
      await page.getByRole("combobox", { name: "Environment", exact: true }).selectOption({ label: NAME });
      await expect(page.locator('[data-testid="audit-row"][data-action="terminal.session"]').first()).toContainText(app.hostname);
      await expect(page.locator('[data-testid="audit-row"][data-action="environment.create"]')).toHaveCount(1);
      await shoot(page, "42-audit");
    });
  } finally {
    await page.request.post("/api/v1/auth/session", { data: { password: E2E_ADMIN_PASSWORD }, headers });
    await page.request.delete(`/api/v1/environments/${envId}`, { headers });
    await expect
      .poll(async () => (await page.request.get(`/api/v1/environments/${envId}`)).status(), { timeout: 120_000, intervals: [2000] })
      .toBe(404);
  }
});
