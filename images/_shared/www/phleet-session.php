<?php
// Shared by the demo pages: starts the session, or answers 503 so the balancer retries the request on
// another app server; a page is never served with an empty session. Requesting this file does nothing.

function phleet_session_start_or_503(string $node, string $contentType): void
{
    // session_start() returns false when the store cannot be read, and throws an Error
    // when a new session id cannot be created (memcached handler, no cookie yet).
    try {
        $started = @session_start();
        $why = $started ? '' : (error_get_last()['message'] ?? 'unknown error');
    } catch (\Throwable $e) {
        $started = false;
        $why = $e->getMessage();
    }
    if ($started) {
        return;
    }
    error_log('phleet: session_start failed: ' . $why);
    http_response_code(503);
    header('Content-Type: ' . $contentType);
    header('Cache-Control: no-store');
    echo json_encode(['error' => 'session store unavailable', 'node' => $node]), "\n";
    exit;
}
