import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import type { Environment } from "../server/contracts/environment";
import { E2E_ADMIN_PASSWORD } from "./constants";

const SHOTS = path.join(__dirname, ".screenshots");

/**
 * Every test's dashboard page is watched: a request to any origin but the dashboard's own fails
 * the test (no fonts, analytics or CDNs; the API token never leaves the server).
 */
export const test = base.extend<{ foreignRequests: string[] }>({
  foreignRequests: [
    async ({ page, baseURL }, use) => {
      const own = new URL(baseURL!).origin;
      const foreign: string[] = [];
      page.on("request", (req) => {
        const url = req.url();
        if (url.startsWith("data:") || url.startsWith("blob:")) return;
        if (new URL(url).origin !== own) foreign.push(url);
      });
      await use(foreign);
      expect(foreign, "requests to hosts other than the dashboard").toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export async function signIn(page: Page, next = "/") {
  await page.goto(next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Admin password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/** Full-page screenshots at 1366x800 and 390x844 px wide (and dark at 1280 when asked) into e2e/.screenshots. */
export async function shoot(page: Page, name: string, opts: { dark?: boolean; fullPage?: boolean } = {}) {
  const fullPage = opts.fullPage ?? true;
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  fs.mkdirSync(SHOTS, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage, animations: "disabled" });
  }
  if (opts.dark) {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SHOTS, `${name}-1280-dark.png`), fullPage, animations: "disabled" });
    await page.emulateMedia({ colorScheme: "light" });
  }
  await page.setViewportSize(original);
}

/** Creates an environment through the dashboard's own API (its session cookie, same origin) and waits (bounded) until it runs. */
export async function createRunning(page: Page, origin: string, body: Record<string, unknown>): Promise<Environment> {
  const created = await page.request.post("/api/v1/environments", { data: body, headers: { origin } });
  expect(created.status(), await created.text()).toBe(202);
  const id = ((await created.json()) as Environment).id;
  let env: Environment | null = null;
  await expect
    .poll(async () => {
      env = (await (await page.request.get(`/api/v1/environments/${id}`)).json()) as Environment;
      return env.status;
    }, { timeout: 300_000, intervals: [2000] })
    .not.toBe("creating");
  // A failed creation ends the test at once, with the reason, instead of waiting out the poll.
  const settled = env as Environment | null;
  expect(settled?.status, `${settled?.error ?? ""} ${JSON.stringify(settled?.task?.steps.filter((s) => s.status === "failed"))}`).toBe("running");
  return settled!;
}

/** The two widths every screen is checked at: a laptop and a phone. */
export const WIDTHS: [{ width: number; height: number }, { width: number; height: number }] = [
  { width: 1366, height: 800 },
  { width: 390, height: 844 },
];

/** axe-core at both widths: no serious or critical violation. */
export async function axe(page: Page, what: string) {
  const original = page.viewportSize();
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
    expect.soft(bad, `axe on ${what} at ${size.width}px`).toEqual([]);
  }
  if (original) await page.setViewportSize(original);
}
