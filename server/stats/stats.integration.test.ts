import { test } from "vitest";
import { balancerStatsSuite } from "../testing/stats-suite";

test("2 app nodes + memcached behind NGINX: exact per-node counts, failover, session count, balancer restart without double counting", () =>
  balancerStatsSuite("nginx"));
