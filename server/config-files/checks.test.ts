import { describe, expect, it } from "vitest";
import type { Validator } from "../node-kinds";
import { findEntry } from "./catalog";
import { checkCommand, includeReplacement, readCheckOutput, wrapperConfig } from "./checks";

const v = (type: string, path: string): Validator => findEntry(type, path)!.validator!;

describe("wrapperConfig", () => {
  it("swaps the include of the live sites for the staged file", () => {
    const site = v("nginx-php", "/etc/nginx/sites-available/default");
    const main = "http {\n    include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/sites-enabled/*;\n}\n";
    expect(wrapperConfig(main, (site as { includeLine: RegExp }).includeLine, includeReplacement(site, "/tmp/x/default"))).toBe(
      "http {\n    include /etc/nginx/conf.d/*.conf;\n    include /tmp/x/default;\n}\n",
    );
  });
  it("handles Apache's IncludeOptional and php-fpm's include=", () => {
    const a = v("apache-php", "/etc/apache2/sites-available/000-default.conf") as { includeLine: RegExp } & Validator;
    expect(wrapperConfig("Include ports.conf\nIncludeOptional sites-enabled/*.conf\n", a.includeLine, includeReplacement(a, "/tmp/s.conf"))).toBe(
      "Include ports.conf\nInclude /tmp/s.conf\n",
    );
    const f = v("nginx-php", "/etc/php/8.2/fpm/pool.d/www.conf") as { includeLine: RegExp } & Validator;
    expect(wrapperConfig("[global]\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n", f.includeLine, includeReplacement(f, "/tmp/www.conf"))).toBe(
      "[global]\ninclude=/tmp/www.conf\n",
    );
  });
  it("returns null when the main config no longer has the include", () => {
    const a = v("apache-php", "/etc/apache2/sites-available/000-default.conf") as { includeLine: RegExp } & Validator;
    expect(wrapperConfig("ServerName x\n", a.includeLine, "Include /tmp/s.conf")).toBeNull();
  });
});

describe("checkCommand", () => {
  it("runs php with a real exit code for php.ini, and the tools' own test flags for the rest", () => {
    const ini = checkCommand({ kind: "php-ini" }, { file: "/tmp/c/php.ini" });
    expect(ini.slice(0, 3)).toEqual(["php", "-n", "-r"]);
    expect(ini.at(-1)).toBe("/tmp/c/php.ini");
    expect(checkCommand({ kind: "nginx-main" }, { file: "/etc/nginx/.s.conf" })).toEqual(["nginx", "-t", "-q", "-c", "/etc/nginx/.s.conf"]);
    expect(checkCommand(v("apache-php", "/etc/apache2/sites-available/000-default.conf"), { file: "/tmp/c/s", wrapper: "/tmp/c/main.conf" })).toEqual([
      "apache2ctl",
      "-t",
      "-f",
      "/tmp/c/main.conf",
    ]);
  });
});

describe("readCheckOutput", () => {
  it("reads php's message and line, naming the real file", () => {
    const out = "syntax error, unexpected END_OF_LINE, expecting '^' in /tmp/phleet-check-ab/php.ini on line 4";
    const r = readCheckOutput({ kind: "php-ini" }, out, { file: "/tmp/phleet-check-ab/php.ini" }, "/etc/php/8.2/apache2/php.ini");
    expect(r.line).toBe(4);
    expect(r.message).toBe("syntax error, unexpected END_OF_LINE, expecting '^' in /etc/php/8.2/apache2/php.ini on line 4");
  });
  it("reads Apache's AH00526 and drops the noise", () => {
    const out =
      "AH00526: Syntax error on line 17 of /tmp/c/000-default.conf:\nInvalid command 'Bogus', perhaps misspelled\nAction '-t -f /tmp/c/main.conf' failed.\nThe Apache error log may have more information.";
    const a = v("apache-php", "/etc/apache2/sites-available/000-default.conf");
    const r = readCheckOutput(a, out, { file: "/tmp/c/000-default.conf", wrapper: "/tmp/c/main.conf" }, "/etc/apache2/sites-available/000-default.conf");
    expect(r.line).toBe(17);
    expect(r.message).toBe("AH00526: Syntax error on line 17 of /etc/apache2/sites-available/000-default.conf:\nInvalid command 'Bogus', perhaps misspelled");
  });
  it("reads nginx's [emerg] with file:line", () => {
    const out = '2026/11/21 13:40:05 [emerg] 60#60: unknown directive "bogus" in /etc/nginx/.phleet-check-1.conf:12\nnginx: configuration file /etc/nginx/.phleet-check-1.conf test failed';
    const r = readCheckOutput({ kind: "nginx-main" }, out, { file: "/etc/nginx/.phleet-check-1.conf" }, "/etc/nginx/nginx.conf");
    expect(r.line).toBe(12);
    expect(r.message).toBe('[emerg] unknown directive "bogus" in /etc/nginx/nginx.conf:12');
  });
  it("checks haproxy.cfg together with the managed backend, and reads HAProxy's [file:line]", () => {
    expect(checkCommand({ kind: "haproxy", otherFiles: ["/etc/haproxy/phleet-backend.cfg"] }, { file: "/tmp/c/haproxy.cfg" })).toEqual([
      "haproxy", "-c", "-f", "/tmp/c/haproxy.cfg", "-f", "/etc/haproxy/phleet-backend.cfg",
    ]);
    const out = "[ALERT]    (31) : config : parsing [/tmp/c/haproxy.cfg:8] : unknown keyword 'bogus-keyword' in 'global' section\n[ALERT]    (31) : config : Fatal errors found in configuration.";
    const r = readCheckOutput({ kind: "haproxy", otherFiles: [] }, out, { file: "/tmp/c/haproxy.cfg" }, "/etc/haproxy/haproxy.cfg");
    expect(r.line).toBe(8);
    expect(r.message).toContain("/etc/haproxy/haproxy.cfg:8");
  });
  it("reads php-fpm's [file:line]", () => {
    const out =
      "[21-Nov-2026 13:40:05] ERROR: [/tmp/c/www.conf:491] unable to parse value for entry 'pm.max_children'\n[21-Nov-2026 13:40:05] ERROR: Unable to include /tmp/c/www.conf from /tmp/c/main.conf at line 491\n[21-Nov-2026 13:40:05] ERROR: FPM initialization failed";
    const f = v("nginx-php", "/etc/php/8.2/fpm/pool.d/www.conf");
    const r = readCheckOutput(f, out, { file: "/tmp/c/www.conf", wrapper: "/tmp/c/main.conf" }, "/etc/php/8.2/fpm/pool.d/www.conf");
    expect(r.line).toBe(491);
    expect(r.message.split("\n")[0]).toBe("ERROR: [/etc/php/8.2/fpm/pool.d/www.conf:491] unable to parse value for entry 'pm.max_children'");
  });
  it("reads redis's FATAL CONFIG FILE ERROR line", () => {
    const out = "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 15\n>>> 'bogus 1 2'\nBad directive or wrong number of arguments";
    const r = readCheckOutput({ kind: "redis" }, out, { file: "/tmp/c/redis.conf" }, "/etc/redis/redis.conf");
    expect(r.line).toBe(15);
    expect(r.message).toContain("Bad directive");
  });
});
