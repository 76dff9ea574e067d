/** @type {import('next').NextConfig} */
module.exports = {
  // A separate build folder lets a test run build without disturbing a running dashboard.
  distDir: process.env.PHLEET_DIST_DIR || ".next",
  // Native and Node-only modules stay outside the server bundle.
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features", "better-sqlite3", "@prisma/adapter-better-sqlite3", "pino", "tar-stream"],
  poweredByHeader: false,
};
