import type { Validator } from "../node-kinds";

/**
 * Pure: the commands that check a staged file with the node's own tool, the wrapper configs that
 * make a tool read the staged copy instead of the live one, and the reading of the tool's answer.
 */

export interface StagedPaths {
  /** The staged copy of the edited file. */
  file: string;
  /** A staged main config that includes the staged file (site/pool checks), if the check needs one. */
  wrapper?: string;
}

/**
 * The main config with its include of the live file(s) replaced by an include of the staged file.
 * Null when the include line is not there (the main config was changed by hand): the caller refuses
 * rather than checking something else.
 */
export function wrapperConfig(mainConf: string, includeLine: RegExp, replacement: string): string | null {
  if (!includeLine.test(mainConf)) return null;
  return mainConf.replace(includeLine, replacement);
}

export function includeReplacement(v: Validator, stagedFile: string): string {
  switch (v.kind) {
    case "apache-site":
      return `Include ${stagedFile}`;
    case "fpm-pool":
      return `include=${stagedFile}`;
    case "nginx-site":
      return `    include ${stagedFile};`;
    default:
      return "";
  }
}

// The same parsing as images/memcached/phleet-run, so the check starts memcached exactly as the node will.
const MEMCACHED_CHECK = `
set -u
args=()
while IFS= read -r line || [ -n "$line" ]; do
  line=\${line%%#*}
  line=$(printf '%s' "$line" | sed -E 's/^[[:space:]]+|[[:space:]]+$//g')
  [ -z "$line" ] && continue
  case $line in -d|--daemon|--enable-daemon) continue ;; logfile|logfile\\ *) continue ;; esac
  read -r -a words <<<"$line"
  args+=("\${words[@]}")
done <"$1"
dir=$(mktemp -d)
timeout 1 memcached "\${args[@]}" -s "$dir/check.sock" -u memcache
rc=$?
rm -rf "$dir"
[ "$rc" -eq 124 ] && exit 0
exit "$rc"
`;

const PHP_INI_CHECK =
  'if (@parse_ini_file($argv[1], true) === false) { fwrite(STDERR, (error_get_last()["message"] ?? "invalid ini file") . "\\n"); exit(1); }';

/** The command that checks the staged file; exit code 0 means valid. */
export function checkCommand(v: Validator, staged: StagedPaths): string[] {
  switch (v.kind) {
    case "php-ini":
      return ["php", "-n", "-r", PHP_INI_CHECK, staged.file];
    case "apache-site":
      return ["apache2ctl", "-t", "-f", staged.wrapper!];
    case "fpm-pool":
      return ["php-fpm8.2", "-t", "-y", staged.wrapper!];
    case "nginx-site":
      return ["nginx", "-t", "-q", "-c", staged.wrapper!];
    case "nginx-main":
      return ["nginx", "-t", "-q", "-c", staged.file];
    case "haproxy":
      return ["haproxy", "-c", "-f", staged.file, ...v.otherFiles.flatMap((f) => ["-f", f])];
    case "redis":
      // No config-test flag: a start on a private socket that is still running after 2 s read its config.
      return [
        "sh",
        "-c",
        'd=$(mktemp -d); timeout 2 redis-server "$1" --port 0 --unixsocket "$d/check.sock" --dir "$d" --daemonize no >"$d/out" 2>&1; rc=$?; cat "$d/out" >&2; rm -rf "$d"; [ "$rc" -eq 124 ] && exit 0; exit "$rc"',
        "check",
        staged.file,
      ];
    case "memcached":
      return ["bash", "-c", MEMCACHED_CHECK, "check", staged.file];
    case "php-extensions":
      return ["bash", "-c", PHP_EXTENSIONS_CHECK, "check", staged.file];
    case "mariadb":
      return ["sh", "-c", 'mariadbd --defaults-file="$1" --user=mysql --help --verbose >/dev/null', "check", staged.file];
    case "postgresql":
      return ["sh", "-c", 'postgres -C data_directory -c config_file="$1" >/dev/null', "check", staged.file];
    case "pg-hba":
      return ["bash", "-c", PG_HBA_CHECK, "check", staged.file];
  }
}

// PHP started with the live conf.d except the extension list, which is replaced by the staged one: a
// missing module or a wrong order shows as a startup warning, which fails the check.
const PHP_EXTENSIONS_CHECK = `
set -u
d=$(mktemp -d)
for f in /etc/php/8.2/cli/conf.d/*.ini; do [ "$(basename "$f")" = 30-phleet-extensions.ini ] || ln -s "$f" "$d/"; done
cp "$1" "$d/30-phleet-extensions.ini"
out=$(PHP_INI_SCAN_DIR="$d" php -d display_startup_errors=1 -d error_reporting=-1 -m 2>&1); rc=$?
rm -rf "$d"
bad=$(printf '%s\n' "$out" | grep -iE 'warning|error|unable' || true)
if [ "$rc" -ne 0 ] || [ -n "$bad" ]; then printf '%s\n' "\${bad:-$out}" >&2; exit 1; fi
`;

// PostgreSQL reads pg_hba.conf only at start and has no offline checker: a scratch server on a private
// socket, on a copy of the image's empty cluster, starts with the staged file, or says why it cannot. It runs
// as the postgres user, like every check as the server's own user (check-user.ts).
const PG_HBA_CHECK = `
set -u
d=$(mktemp -d)
cp -a /var/lib/postgresql/hba-check-template "$d/data" || { echo "the scratch cluster could not be copied" >&2; rm -rf "$d"; exit 1; }
postgres -D "$d/data" -c hba_file="$1" -c listen_addresses= -c unix_socket_directories="$d" -c logging_collector=off >"$d/log" 2>&1 &
pid=$!
ok=1
for _ in $(seq 1 60); do
  if pg_isready -q -h "$d"; then ok=0; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.25
done
kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
[ "$ok" -eq 0 ] || grep -E 'LOG|FATAL|DETAIL|CONTEXT' "$d/log" | grep -v 'database system' >&2
rm -rf "$d"
exit "$ok"
`;

export interface CheckVerdict {
  /** The tool's message, with staged paths shown as the real file. */
  message: string;
  /** The line of the edited file the tool complains about, when it says. */
  line: number | null;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Reads a failed check's output: the message a person needs and the line in their file. */
export function readCheckOutput(v: Validator, output: string, staged: StagedPaths, realPath: string): CheckVerdict {
  const f = escapeRe(staged.file);
  const patterns: RegExp[] = {
    "php-ini": [new RegExp(`in ${f} on line (\\d+)`), /on line (\d+)/],
    "apache-site": [new RegExp(`Syntax error on line (\\d+) of ${f}`)],
    "fpm-pool": [new RegExp(`\\[${f}:(\\d+)\\]`)],
    "nginx-site": [new RegExp(`in ${f}:(\\d+)`)],
    "nginx-main": [new RegExp(`in ${f}:(\\d+)`)],
    haproxy: [new RegExp(`\\[${f}:(\\d+)\\]`)],
    redis: [/at line (\d+)/],
    memcached: [],
    "php-extensions": [],
    mariadb: [],
    postgresql: [/line (\d+)/],
    "pg-hba": [/line (\d+)/],
  }[v.kind];
  let line: number | null = null;
  for (const p of patterns) {
    const m = p.exec(output);
    if (m?.[1]) {
      line = Number(m[1]);
      break;
    }
  }
  return { message: cleanMessage(v, output, staged, realPath), line };
}

function cleanMessage(v: Validator, output: string, staged: StagedPaths, realPath: string): string {
  let text = output.split(staged.file).join(realPath);
  if (staged.wrapper) text = text.split(staged.wrapper).join(v.kind === "apache-site" || v.kind === "fpm-pool" || v.kind === "nginx-site" ? v.mainConf : realPath);
  const lines = text
    .split("\n")
    .map((l) => l.trimEnd())
    // Lines that carry no information for the person fixing the file.
    .filter((l) => l.trim() && !/^Action '.*' failed\.$/.test(l) && !/^The Apache error log may have more information\.$/.test(l))
    .filter((l) => !/configuration file .* test (failed|is successful)$/.test(l))
    .filter((l) => !/ERROR: (FPM initialization failed|failed to load configuration file)/.test(l))
    .filter((l) => !/^\*\*\* FATAL CONFIG FILE ERROR/.test(l))
    // Timestamps of nginx and php-fpm messages.
    .map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(\w+)\] \d+#\d+: /, "[$1] ").replace(/^\[\d\d-\w{3}-\d{4} \d\d:\d\d:\d\d\] /, ""));
  const message = lines.slice(0, 12).join("\n").trim();
  return message || "The check failed without saying why";
}
