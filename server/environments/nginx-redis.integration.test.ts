import { test } from "vitest";
import { clusterLifecycle } from "../testing/lifecycle";

test("nginx-php x2 + redis: one session survives stopping the serving node; nothing left after delete", async () => {
  await clusterLifecycle("it-nginx-redis", "nginx-php", "redis");
});
