<?php
// Read-mostly demo page: the session is read on every request and written on about one in ten (like a
// signed-in page that shows who you are and now and then records something). With session.lazy_write an
// unchanged session is not written back, only its expiry refreshed. {"node", "writes", "session_id"}.
header('Content-Type: application/json');
header('Cache-Control: no-store');

$node = gethostname();

require __DIR__ . '/phleet-session.php';
phleet_session_start_or_503($node, 'application/json');

if (!isset($_SESSION['writes']) || mt_rand(1, 10) === 1) {
    $_SESSION['writes'] = (int)($_SESSION['writes'] ?? 0) + 1;
    $_SESSION['seen'] = time();
}

$out = ['node' => $node, 'writes' => $_SESSION['writes'], 'session_id' => session_id()];
session_write_close();

echo json_encode($out, JSON_UNESCAPED_SLASHES), "\n";
