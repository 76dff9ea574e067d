import { it } from "vitest";
import { api } from "../testing/api-client";
import { deploymentAcceptance } from "./testing/acceptance";

// Issue 11 on nginx-php (PHP-FPM, front controller): see testing/acceptance.ts for the steps.
it("deploys Debian's adminer to 2 nginx-php servers from an archive and from Git, rolls back, variables, hooks, scale out", async () => {
  await deploymentAcceptance(api(), "nginx-php", "dep-nginx");
});
