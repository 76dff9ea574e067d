import Docker from "dockerode";

/**
 * Integration helpers of the database node: files written into app servers the test created, a PHP test page
 * that uses the database through mysqli or pdo_pgsql with the DB_* the app servers were given.
 */

const docker = new Docker();

export async function execOut(containerId: string, cmd: string[], user?: string): Promise<{ code: number; out: string }> {
  const e = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, User: user });
  const stream = await e.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const sink = { write: (c: Buffer) => chunks.push(c) } as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise((r) => stream.on("end", r));
  const info = await e.inspect();
  return { code: info.ExitCode ?? -1, out: Buffer.concat(chunks).toString("utf8") };
}

/** Writes one file into a container (base64 through sh, so any content survives). */
export async function writeInto(containerId: string, file: string, content: string): Promise<void> {
  const b64 = Buffer.from(content).toString("base64");
  const r = await execOut(containerId, ["sh", "-c", `mkdir -p "$(dirname "$1")" && printf %s "$2" | base64 -d > "$1" && chmod a+r "$1"`, "w", file, b64]);
  if (r.code !== 0) throw new Error(`writing ${file}: ${r.out}`);
}

/**
 * /dbtest.php: `?op=init` creates table items, `?op=add&label=x` inserts a row, no op lists the labels. JSON with
 * the answering node and the PHP driver used. Reads only getenv('DB_*'), as a deployed application would.
 */
export const DB_TEST_PAGE = `<?php
header('Content-Type: application/json');
$h = getenv('DB_HOST'); $port = (int) getenv('DB_PORT'); $n = getenv('DB_NAME'); $u = getenv('DB_USER'); $pw = getenv('DB_PASSWORD');
$op = $_GET['op'] ?? 'list';
try {
  if ($port === 3306) {
    mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
    $db = new mysqli($h, $u, $pw, $n, $port);
    $q = function ($sql, $args = []) use ($db) { $st = $db->prepare($sql); if ($args) $st->bind_param(str_repeat('s', count($args)), ...$args); $st->execute(); $r = $st->get_result(); return $r ? $r->fetch_all(MYSQLI_ASSOC) : []; };
    if ($op === 'init') $q('CREATE TABLE IF NOT EXISTS items (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(100) NOT NULL)');
    $driver = 'mysqli';
  } else {
    $db = new PDO("pgsql:host=$h;port=$port;dbname=$n", $u, $pw, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $q = function ($sql, $args = []) use ($db) { $st = $db->prepare($sql); $st->execute($args); return $st->columnCount() ? $st->fetchAll(PDO::FETCH_ASSOC) : []; };
    if ($op === 'init') $q('CREATE TABLE IF NOT EXISTS items (id SERIAL PRIMARY KEY, label VARCHAR(100) NOT NULL)');
    $driver = 'pdo_pgsql';
  }
  if ($op === 'add') $q('INSERT INTO items (label) VALUES (?)', [$_GET['label'] ?? '']);
  $rows = $op === 'init' ? [] : $q('SELECT label FROM items ORDER BY id');
  echo json_encode(['node' => gethostname(), 'driver' => $driver, 'labels' => array_column($rows, 'label')]);
} catch (Throwable $e) {
  http_response_code(500);
  echo json_encode(['node' => gethostname(), 'error' => get_class($e) . ': ' . $e->getMessage()]);
}
`;

/** Debian's adminer package unpacked once per run (apt-get download + dpkg-deb -x): its /usr/share/adminer. */
/** A browser-like client of an environment URL (loopback only) that posts forms and keeps cookies. */
export class FormClient {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {
    const host = new URL(baseUrl).hostname;
    if (host !== "127.0.0.1" && host !== "localhost") throw new Error(`test traffic goes only to loopback, not ${host}`);
  }

  async request(pathAndQuery: string, form?: Record<string, string>): Promise<{ status: number; body: string; location: string | null }> {
    const res = await fetch(`${this.baseUrl}${pathAndQuery}`, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: {
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
      signal: AbortSignal.timeout(20_000),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = (pair ?? "").indexOf("=");
      if (i > 0) this.cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1));
    }
    return { status: res.status, body: await res.text(), location: res.headers.get("location") };
  }

  /** Follows redirects (bounded) within the same site. */
  async follow(pathAndQuery: string, form?: Record<string, string>): Promise<{ status: number; body: string; url: string }> {
    let r = await this.request(pathAndQuery, form);
    let url = pathAndQuery;
    for (let i = 0; i < 5 && r.location && r.status >= 300 && r.status < 400; i++) {
      const next = new URL(r.location, `${this.baseUrl}${url}`);
      url = `${next.pathname}${next.search}`;
      r = await this.request(url);
    }
    return { status: r.status, body: r.body, url };
  }
}
