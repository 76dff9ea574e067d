import path from "node:path";
import { createRunning, expect, shoot, signIn, test } from "./fixtures";

const NAME = "e2e-https";
const DOMAIN = "shop.e2e-h13.test";

/** Issue 13 in the browser: add a domain, switch on HTTPS (ACME from a local pebble), see the certificate's state and expiry. */
test("Domains & HTTPS: add a domain, switch on Let's Encrypt and HTTPS, see the certificate's state and expiry", async ({ page }) => {
  test.setTimeout(420_000);
  await signIn(page);
  const origin = new URL(page.url()).origin;
  const { id } = await createRunning(page, origin, {
    name: NAME,
    appServer: { type: "apache-php", count: 1 },
    sessionStore: { type: "memcached", count: 1 },
    loadBalancer: { type: "nginx" },
  });
  try {
    await page.goto(`/environments/${id}`);
    const panel = page.getByRole("region", { name: "Domains & HTTPS" });
    await expect(panel).toBeVisible();
    await expect(panel.getByTestId("https-url")).toHaveText(/^https:\/\/127\.0\.0\.1:\d+/);
    await expect(panel.getByTestId("certificate-source")).toHaveText("Self-signed");
    await expect(panel.getByRole("button", { name: "Use Let's Encrypt" })).toBeDisabled();

    // A bad name is refused in place, with the reason.
    const input = panel.getByLabel("Add a domain");
    await input.fill("not a domain");
    await panel.getByRole("button", { name: "Add" }).click();
    await expect(panel.getByText(/must be a host name/)).toBeVisible();
    await expect(input).toHaveAttribute("aria-invalid", "true");

    await input.fill(DOMAIN);
    await input.press("Enter");
    await expect(panel.getByRole("list", { name: "Domains of this environment" }).getByText(DOMAIN)).toBeVisible();
    await expect(input).toHaveValue("");

    await panel.getByRole("button", { name: "Use Let's Encrypt" }).click();
    await expect(panel.getByTestId("certificate-source")).toHaveText("Let's Encrypt (ACME)", { timeout: 60_000 });
    await expect(panel.getByTestId("certificate-state")).toHaveText("Valid");
    await expect(panel.getByTestId("certificate-expiry")).toHaveText(/in \d+ days/);
    await expect(panel.getByText(/Pebble/i)).toBeVisible();
    await expect(panel.getByText(/automatic, next/)).toBeVisible();

    const redirect = panel.getByRole("checkbox", { name: /Redirect HTTP to HTTPS/ });
    await redirect.check();
    await expect(redirect).toBeChecked();
    await expect(redirect).toBeEnabled({ timeout: 30_000 });
    await page.reload();
    await expect(page.getByRole("checkbox", { name: /Redirect HTTP to HTTPS/ })).toBeChecked();
    await shoot(page, "https-panel", { dark: true });
    // The panel alone on a phone, large enough to read in the screenshot.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("region", { name: "Domains & HTTPS" }).screenshot({ path: path.join(__dirname, ".screenshots", "https-panel-only-390.png"), animations: "disabled" });
  } finally {
    await page.request.delete(`/api/v1/environments/${id}`, { headers: { origin } });
  }
});
