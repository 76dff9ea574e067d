/** @type {import('next').NextConfig} */
module.exports = {
  // A separate build folder lets a test run build without disturbing a running dashboard.
  distDir: process.env.PHLEET_DIST_DIR || ".next",
  // Native and Node-only modules stay outside the server bundle.
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features", "better-sqlite3", "@prisma/adapter-better-sqlite3", "pino", "tar-stream"],
  poweredByHeader: false,
  // No page of the dashboard may be framed by another site (clickjacking): CSP for current browsers,
  // X-Frame-Options for old ones.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};
