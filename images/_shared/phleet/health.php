<?php
// Liveness probe for the HEALTHCHECK and the balancer: no session, no I/O.
header('Content-Type: text/plain');
header('Cache-Control: no-store');
echo 'ok';
