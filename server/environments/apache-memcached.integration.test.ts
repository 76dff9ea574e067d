import { test } from "vitest";
import { createRunning, deleteAndWait, parallelRequestsOnOneSession, singleStoreRestartRecovers } from "../testing/faults";
import { clusterLifecycle } from "../testing/lifecycle";

test("apache-php x2 + memcached: one session survives stopping the serving node; nothing left after delete", async () => {
  await clusterLifecycle("it-apache-mc", "apache-php", "memcached");
});

test("apache-php x2 + one memcached node: session locking and a store restart with PHP's kept connections", async () => {
  const env = await createRunning({ name: "it-apache-mc1", appServer: { type: "apache-php", count: 2 }, sessionStore: { type: "memcached", count: 1 } });
  try {
    await parallelRequestsOnOneSession(env);
    await singleStoreRestartRecovers(env);
  } finally {
    await deleteAndWait(env);
  }
});
