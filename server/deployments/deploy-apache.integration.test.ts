import { it } from "vitest";
import { api } from "../testing/api-client";
import { deploymentAcceptance } from "./testing/acceptance";

// Issue 11 on apache-php (mod_php, .htaccess honoured): see testing/acceptance.ts for the steps.
it("deploys Debian's adminer to 2 apache-php servers from an archive and from Git, rolls back, variables, hooks, scale out", async () => {
  await deploymentAcceptance(api(), "apache-php", "dep-apache");
});
