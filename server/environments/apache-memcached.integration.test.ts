import { test } from "vitest";
import { clusterLifecycle } from "../testing/lifecycle";

test("apache-php x2 + memcached: one session survives stopping the serving node; nothing left after delete", async () => {
  await clusterLifecycle("it-apache-mc", "apache-php", "memcached");
});
