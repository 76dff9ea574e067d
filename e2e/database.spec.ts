import Docker from "dockerode";
import { E2E_POOL_PREFIX } from "./constants";
import { expect, shoot, signIn, test } from "./fixtures";

const NAME = "e2e-db";

/** Issue 12 in the browser: an environment with a MariaDB node from the wizard, its Info, a backup taken from the page. */
test("create {apache-php x2, memcached, MariaDB} in the wizard, see the database's Info, take a backup, delete keeping nothing", async ({ page }) => {
  test.setTimeout(600_000);
  const docker = new Docker();
  let envId = "";

  await test.step("the wizard offers the database and shows its node in the picture", async () => {
    await signIn(page, "/environments/new");
    await page.getByRole("radio", { name: /MariaDB/ }).click();
    await page.getByLabel("Environment name").fill(NAME);
    await expect(page.getByTestId("planned-node")).toHaveCount(5);
    await expect(page.getByTestId("planned-node").filter({ hasText: `${NAME}-db` })).toContainText(`${E2E_POOL_PREFIX}.x.5`);
    await shoot(page, "12-wizard-database");
    await page.getByRole("button", { name: "Create environment" }).click();
    // The first visit of a dynamic page compiles nothing but can be slow on a loaded 2-core machine.
    await expect(page).toHaveURL(/\/environments\/(?!new$)[^/]+$/, { timeout: 60_000 });
    envId = new URL(page.url()).pathname.split("/").pop()!;
    await expect(page.getByTestId("environment-status")).toContainText(/Running|Failed/, { timeout: 420_000 });
    const reason = (await page.getByTestId("failure-reason").textContent({ timeout: 500 }).catch(() => null)) ?? "";
    await expect(page.getByTestId("environment-status"), reason).toContainText("Running");
    await expect(page.getByTestId("node-card")).toHaveCount(5);
  });

  await test.step("the database node's Info: IP, port, database and user with copy buttons, a connection line, no password", async () => {
    const card = page.locator('[data-testid=node-card][data-node-role="database"]');
    await expect(card.getByTestId("node-status")).toHaveText("Running", { timeout: 60_000 });
    await card.getByRole("button", { name: /^Info about/ }).click();
    const dialog = page.getByRole("dialog");
    const conn = dialog.getByTestId("database-connection");
    const ip = (await dialog.getByTestId("node-ip").textContent())!.trim();
    await expect(conn.getByTestId("db-host")).toHaveText(ip);
    await expect(conn.getByTestId("db-port")).toHaveText("3306");
    await expect(conn.getByTestId("db-name")).toHaveText("e2e_db");
    await expect(conn.getByTestId("db-user")).toHaveText("e2e_db_app");
    await expect(conn.getByTestId("db-connection-line")).toHaveText(`mariadb -h ${ip} -P 3306 -u e2e_db_app -p e2e_db`);
    for (const what of ["host", "port", "database", "user"]) await expect(conn.getByRole("button", { name: `Copy ${what}` })).toBeVisible();
    // The engine agrees: the container has that address and publishes nothing.
    const containerId = (await dialog.getByTestId("container-id").getAttribute("title"))!;
    const info = await docker.getContainer(containerId).inspect();
    expect(Object.values(info.NetworkSettings.Networks).map((n) => n.IPAddress)).toEqual([ip]);
    expect(Object.values(info.HostConfig.PortBindings ?? {}).flat()).toEqual([]);
    const creds = await page.request.get(`/api/v1/environments/${envId}/database/credentials`);
    const password = ((await creds.json()) as { password: string }).password;
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(await page.content()).not.toContain(password);
    await shoot(page, "13-database-info", { dark: true, fullPage: false });
    await page.keyboard.press("Escape");
  });

  await test.step("an app server's Info shows php -m", async () => {
    const card = page.locator('[data-testid=node-card][data-node-role="app"]').first();
    await card.getByRole("button", { name: /^Info about/ }).click();
    const modules = page.getByRole("dialog").getByTestId("php-modules");
    for (const m of ["mysqli", "pdo_pgsql", "gd", "intl", "Zend OPcache"]) await expect(modules.getByText(m, { exact: true })).toBeVisible();
    await page.keyboard.press("Escape");
  });

  await test.step("Take backup: the task runs and the dump appears in the list", async () => {
    const panel = page.getByTestId("database-panel");
    await expect(panel.getByTestId("no-backups")).toBeVisible();
    await panel.getByRole("button", { name: "Take backup" }).click();
    await expect(panel.getByTestId("backup-list").getByRole("listitem")).toHaveCount(1, { timeout: 120_000 });
    await expect(panel.getByTestId("database-task")).toContainText("done", { timeout: 60_000 });
    await expect(panel.getByTestId("backup-list")).toContainText(/e2e_db-\d{8}T\d{6}-[0-9a-f]{6}\.sql/);
    const href = await panel.getByRole("link", { name: /Download/ }).getAttribute("href");
    const dump = await page.request.get(href!);
    expect(dump.status()).toBe(200);
    expect(await dump.text()).toContain("-- Dump completed");
    await shoot(page, "14-database-backups", { dark: true });
  });

  await test.step("delete: the dialog asks about the data; unchecked, the volume goes", async () => {
    const volume = (await docker.listVolumes({ filters: { label: [`phleet.environment=${envId}`] } })).Volumes ?? [];
    expect(volume).toHaveLength(1);
    await page.getByRole("button", { name: "Delete" }).click();
    await expect(page.getByTestId("keep-data")).not.toBeChecked();
    await page.getByLabel(/Type .* to confirm/).fill(NAME);
    await page.getByRole("button", { name: "Delete environment" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect
      .poll(async () => ((await docker.listVolumes({ filters: { label: [`phleet.environment=${envId}`] } })).Volumes ?? []).length, { timeout: 120_000 })
      .toBe(0);
  });
});
