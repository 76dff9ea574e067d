/** Pure renderers of the balancer's HTTPS files and the app servers' HTTPS ini (no I/O). */
import { proxyToAppLayer } from "../node-kinds/render";

const TLS_DIR = "/etc/nginx/phleet-tls";
export const TLS_CERT_PATH = `${TLS_DIR}/cert.pem`;
export const TLS_KEY_PATH = `${TLS_DIR}/key.pem`;
/** Included at http level of nginx.conf: the HTTPS server. */
export const TLS_SERVER_CONF = `${TLS_DIR}/server.conf`;
/** Included in the port-80 server: its server_name and the ACME challenge location. */
export const TLS_HTTP_CONF = `${TLS_DIR}/http.conf`;
/** Included in the port-80 server's `location /`: the redirect to HTTPS, when forced. */
export const TLS_REDIRECT_CONF = `${TLS_DIR}/redirect.conf`;
/** HTTP-01 answers: the balancer serves /.well-known/acme-challenge/<token> from here. */
const ACME_ROOT = "/var/lib/phleet-acme";
export const ACME_CHALLENGE_DIR = `${ACME_ROOT}/.well-known/acme-challenge`;

export interface HttpsOptions {
  domains: string[];
  forceHttps: boolean;
  hsts: boolean;
  /** The host port HTTPS is published on (for the redirect's target). */
  httpsPort: number;
}

const serverName = (domains: string[]) => (domains.length ? `    server_name ${domains.join(" ")};\n` : "");

export function renderHttpsServer(o: HttpsOptions): string {
  return `# Managed by Phleet (Domains & HTTPS): rewritten when the certificate, the domains or the options change.
server {
    listen 443 ssl http2 default_server;
${serverName(o.domains)}
    ssl_certificate ${TLS_CERT_PATH};
    ssl_certificate_key ${TLS_KEY_PATH};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:phleet_tls:2m;
    ssl_session_timeout 1h;

    location = /phleet-lb-health {
        access_log off;
        default_type text/plain;
        return 200 "ok\\n";
    }

    location / {
        # X-Forwarded-Proto is always "https" here, whatever the client sent: the app servers trust this header.
${proxyToAppLayer("        ", "https", o.hsts ? ['add_header Strict-Transport-Security "max-age=31536000" always;'] : [])}
    }
}
`;
}

export function renderHttpExtras(o: HttpsOptions): string {
  return `# Managed by Phleet (Domains & HTTPS).
${serverName(o.domains)}
    location ^~ /.well-known/acme-challenge/ {
        root ${ACME_ROOT};
        default_type text/plain;
        try_files $uri =404;
    }
`;
}

export function renderRedirect(o: HttpsOptions): string {
  if (!o.forceHttps) return "# Managed by Phleet: HTTP is not redirected to HTTPS.\n";
  const port = o.httpsPort === 443 ? "" : `:${o.httpsPort}`;
  return `# Managed by Phleet: HTTPS is forced.
            return 301 https://$host${port}$request_uri;
`;
}

/** PHP of the app servers: `$_SERVER['HTTPS']` from the balancer's X-Forwarded-Proto (only the balancer reaches them). */
export const FORWARDED_PHP_PATH = "/etc/phleet/forwarded-proto.php";
export const FORWARDED_PHP = `<?php
// Written by Phleet: the balancer ends TLS and says so in X-Forwarded-Proto (it overwrites what a client sent).
if (($_SERVER['HTTP_X_FORWARDED_PROTO'] ?? '') === 'https') {
    $_SERVER['HTTPS'] = 'on';
    $_SERVER['REQUEST_SCHEME'] = 'https';
}
`;

export const httpsIniPath = (appType: string) =>
  appType === "apache-php" ? "/etc/php/8.2/apache2/conf.d/91-phleet-https.ini" : "/etc/php/8.2/fpm/conf.d/91-phleet-https.ini";

export function renderHttpsIni(forceHttps: boolean): string {
  return [
    `; Written by Phleet (Domains & HTTPS): the balancer ends TLS; ${FORWARDED_PHP_PATH}, run by the image's`,
    "; prepend file (the variables loader), tells PHP the original scheme.",
    "; With HTTPS forced, session cookies travel only over HTTPS.",
    `session.cookie_secure = ${forceHttps ? 1 : 0}`,
    "",
  ].join("\n");
}
