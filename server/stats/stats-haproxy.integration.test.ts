import { test } from "vitest";
import { balancerStatsSuite } from "../testing/stats-suite";

/** Issue 17: the HAProxy balancer passes the same statistics suite as NGINX (its counters come from HAProxy itself). */
test("2 app nodes + memcached behind HAProxy: exact per-node counts, failover, session count, balancer restart without double counting", () =>
  balancerStatsSuite("haproxy"));
