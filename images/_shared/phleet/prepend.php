<?php
// Phleet: the app layer's variables (written by the control plane to /etc/phleet/app-env.php) made
// visible the same way on both stacks: getenv(), $_ENV and $_SERVER. Loaded as auto_prepend_file (the only
// one: PHP has a single prepend), so it also runs the HTTPS scheme file the control plane writes when the
// environment has HTTPS (server/https/render.ts).
if (is_file('/etc/phleet/forwarded-proto.php')) {
    include '/etc/phleet/forwarded-proto.php';
}
(static function (): void {
    $vars = @include '/etc/phleet/app-env.php';
    if (!is_array($vars)) {
        return;
    }
    foreach ($vars as $name => $value) {
        putenv($name . '=' . $value);
        $_ENV[$name] = $value;
        $_SERVER[$name] = $value;
    }
})();
