import { describe, expect, it } from "vitest";
import { LOG_SOURCES, sourcesOf } from "./sources";

describe("log sources", () => {
  it("every kind offers its container output first, and ids are unique per kind", () => {
    for (const [kind, sources] of Object.entries(LOG_SOURCES)) {
      expect(sources[0]?.id, kind).toBe("output");
      expect(new Set(sources.map((s) => s.id)).size, kind).toBe(sources.length);
    }
  });

  it("the PHP error log picks PHP's lines out of Apache's and PHP-FPM's error output", () => {
    const php = sourcesOf("apache-php").find((s) => s.id === "php")!;
    if (php.select.kind !== "container" || !php.select.match) throw new Error("php is a filtered container source");
    expect(php.select.match.test("[Mon Nov 23 10:00:00 2026] [php:warn] [pid 12] PHP Warning:  Undefined variable $x in /var/www/html/w.php on line 2")).toBe(true);
    expect(php.select.match.test('NOTICE: PHP message: PHP Fatal error:  Uncaught Error')).toBe(true);
    expect(php.select.match.test("[mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.62 configured")).toBe(false);
  });

  it("the balancer's error log leaves out its statistics counter lines", () => {
    const error = sourcesOf("nginx").find((s) => s.id === "error")!;
    if (error.select.kind !== "container" || !error.select.match) throw new Error("error is a filtered container source");
    expect(error.select.match.test('phleet-stats {"gen":"a","ts":1,"fo":0,"bytes":0,"bounds":[],"a":{}}')).toBe(false);
    expect(error.select.match.test("2026/11/23 20:20:37 [error] 9#9: *1 connect() failed (111: Connection refused) while connecting to upstream")).toBe(true);
  });

  it("an unknown kind still has its output", () => {
    expect(sourcesOf("mariadb").map((s) => s.id)).toEqual(["output"]);
  });
});
