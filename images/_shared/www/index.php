<?php
// Phleet demo: shows which node answered and a visit counter kept in the shared session.
$node = gethostname();

require __DIR__ . '/phleet-session.php';
phleet_session_start_or_503($node, 'text/plain');

if ($_SERVER['REQUEST_METHOD'] === 'POST' && isset($_POST['value']) && is_string($_POST['value'])) {
    $_SESSION['value'] = $_POST['value'];
}
$_SESSION['visits'] = (int)($_SESSION['visits'] ?? 0) + 1;

$visits    = $_SESSION['visits'];
$value     = isset($_SESSION['value']) ? (string)$_SESSION['value'] : null;
$sessionId = session_id();
session_write_close();

$serverAddr = $_SERVER['SERVER_ADDR'] ?? 'unknown';
$h = static fn($s) => htmlspecialchars((string)$s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
header('Cache-Control: no-store');
?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Phleet demo</title>
<style>
  :root { color-scheme: light dark; }
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
         background: #f4f6f8; color: #1d2733; }
  main { max-width: 36rem; margin: 3rem auto; padding: 1.5rem 2rem; background: #fff;
         border-radius: 10px; box-shadow: 0 2px 10px rgba(0,0,0,.08); }
  h1 { margin: 0 0 1rem; font-size: 1.5rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; margin: 0 0 1.5rem; }
  dt { color: #5b6b7c; }
  dd { margin: 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
  .visits { font-size: 1.2rem; font-weight: 600; }
  form { display: flex; gap: .5rem; }
  input[type=text] { flex: 1; padding: .45rem .6rem; border: 1px solid #c5cfd9; border-radius: 6px; font: inherit; }
  button { padding: .45rem 1rem; border: 0; border-radius: 6px; background: #2563eb; color: #fff; font: inherit; cursor: pointer; }
  footer { margin-top: 1.5rem; font-size: .85rem; color: #5b6b7c; }
  @media (prefers-color-scheme: dark) {
    body { background: #11161c; color: #e3e9ef; }
    main { background: #1b232c; box-shadow: none; }
    dt, footer { color: #93a3b3; }
    input[type=text] { background: #11161c; color: inherit; border-color: #34414e; }
  }
</style>
</head>
<body>
<main>
  <h1>Phleet demo</h1>
  <dl>
    <dt>Served by node</dt><dd id="node"><?= $h($node) ?></dd>
    <dt>Server IP</dt><dd id="server-addr"><?= $h($serverAddr) ?></dd>
    <dt>Session id</dt><dd id="session-id"><?= $h($sessionId) ?></dd>
    <dt>Visits</dt><dd id="visits" class="visits"><?= (int)$visits ?></dd>
    <dt>Stored value</dt><dd id="value"><?= $value === null ? '<em>(none)</em>' : $h($value) ?></dd>
  </dl>
  <form method="post" action="">
    <input type="text" name="value" maxlength="200" placeholder="Store a value in the session" aria-label="Value">
    <button type="submit">Save</button>
  </form>
  <footer>Reload to be balanced to another node: the session (and the counter) follows you.</footer>
</main>
</body>
</html>
