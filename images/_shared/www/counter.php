<?php
// JSON view of the shared session: {"node", "visits", "session_id", "value"}.
// The session handler is not set here: Phleet writes session.save_handler/save_path
// into conf.d/90-phleet-session.ini at deploy time.
header('Content-Type: application/json');
header('Cache-Control: no-store');

$node = gethostname();

require __DIR__ . '/phleet-session.php';
phleet_session_start_or_503($node, 'application/json');

$_SESSION['visits'] = (int)($_SESSION['visits'] ?? 0) + 1;

$new = $_POST['value'] ?? $_GET['value'] ?? null;
if (is_string($new)) {
    $_SESSION['value'] = $new;
}

$out = [
    'node'       => $node,
    'visits'     => $_SESSION['visits'],
    'session_id' => session_id(),
    'value'      => isset($_SESSION['value']) ? (string)$_SESSION['value'] : null,
];
session_write_close();

echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
