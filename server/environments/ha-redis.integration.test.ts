import { afterAll, beforeAll, describe, test } from "vitest";
import type { Environment } from "../contracts/environment";
import { appServerKillUnderLoad, createRunning, deleteAndWait, parallelRequestsOnOneSession, singleStoreRestartRecovers } from "../testing/faults";

/** Issue 6's fault suite on {nginx-php x2, redis x1, nginx}. One Redis node cannot survive its own loss (README). */
describe("high availability with Redis sessions", () => {
  let env: Environment;
  beforeAll(async () => {
    env = await createRunning({ name: "it-ha-redis", appServer: { type: "nginx-php", count: 2 }, sessionStore: { type: "redis", count: 1 } });
  });
  afterAll(() => deleteAndWait(env));

  test("engine kill -9 of an nginx-php app server: no failed GET, no counter reset; Phleet starts it again", () => appServerKillUnderLoad(env));

  test("10 parallel requests on one session: the counter ends exactly 10 higher (redis session locking)", () => parallelRequestsOnOneSession(env));

  // Last: the restart empties the store.
  test("the Redis node restarted: PHP's kept connections are replaced, every request succeeds 3 s later", () => singleStoreRestartRecovers(env));
});
