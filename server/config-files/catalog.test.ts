import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { catalogFor, checkRequestedPath, findEntry } from "./catalog";

describe("catalog", () => {
  it("lists the php.ini of the SAPI in use, the session ini and the site for each app server type", () => {
    expect(catalogFor("apache-php").map((e) => e.path)).toEqual([
      "/etc/php/8.2/apache2/php.ini",
      "/etc/php/8.2/apache2/conf.d/90-phleet-session.ini",
      "/etc/php/8.2/phleet/extensions.ini",
      "/etc/apache2/sites-available/000-default.conf",
    ]);
    expect(catalogFor("nginx-php").map((e) => e.path)).toEqual([
      "/etc/php/8.2/fpm/php.ini",
      "/etc/php/8.2/fpm/conf.d/90-phleet-session.ini",
      "/etc/php/8.2/phleet/extensions.ini",
      "/etc/php/8.2/fpm/pool.d/www.conf",
      "/etc/nginx/sites-available/default",
    ]);
    expect(catalogFor("redis").map((e) => e.path)).toEqual(["/etc/redis/redis.conf"]);
    expect(catalogFor("memcached").map((e) => e.path)).toEqual(["/etc/memcached.conf"]);
    expect(catalogFor("mariadb").map((e) => e.path)).toEqual(["/etc/mysql/my.cnf"]);
    expect(catalogFor("postgresql").map((e) => e.path)).toEqual(["/etc/postgresql/postgresql.conf", "/etc/postgresql/pg_hba.conf"]);
    expect(catalogFor("nginx").map((e) => [e.path, e.readOnly])).toEqual([
      ["/etc/nginx/nginx.conf", false],
      ["/etc/nginx/phleet-upstream.conf", true],
    ]);
    expect(catalogFor("unknown")).toEqual([]);
  });

  it("groups files in a tree and names a language and a validator for each editable file", () => {
    const ini = findEntry("apache-php", "/etc/php/8.2/apache2/php.ini")!;
    expect(ini.tree).toEqual(["etc", "php"]);
    expect(ini.language).toBe("ini");
    expect(findEntry("nginx-php", "/etc/nginx/sites-available/default")!.language).toBe("nginx");
    for (const type of ["apache-php", "nginx-php", "redis", "memcached", "nginx", "mariadb", "postgresql"]) {
      for (const e of catalogFor(type)) {
        expect(e.readOnly || e.validator !== null, `${type} ${e.path}`).toBe(true);
        expect(e.reload === "restart" || (e.reloadCmd?.length ?? 0) > 0, `${type} ${e.path}`).toBe(true);
      }
    }
  });

  it("finds only exact catalog paths", () => {
    expect(findEntry("apache-php", "/etc/passwd")).toBeUndefined();
    expect(findEntry("apache-php", "/etc/php/8.2/fpm/php.ini")).toBeUndefined();
    expect(findEntry("nginx-php", "/etc/php/8.2/fpm/php.ini")?.id).toBe("php-ini");
  });
});

describe("checkRequestedPath", () => {
  const refused = (p: unknown) => {
    try {
      checkRequestedPath(p);
      return null;
    } catch (e) {
      return e instanceof AppError ? e.status : -1;
    }
  };
  it("accepts normal absolute paths", () => {
    expect(checkRequestedPath("/etc/php/8.2/apache2/php.ini")).toBe("/etc/php/8.2/apache2/php.ini");
  });
  it.each([
    ["../../etc/passwd"],
    ["/etc/php/8.2/apache2/../../../etc/passwd"],
    ["/etc/./passwd"],
    ["//etc/passwd"],
    ["/etc/php/"],
    ["etc/passwd"],
    ["/etc/passwd\u0000.ini"],
    ["/etc\\passwd"],
    [""],
    [undefined],
    ["/" + "a".repeat(300)],
  ])("refuses %j with 400", (p) => {
    expect(refused(p)).toBe(400);
  });
});
