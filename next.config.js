/** @type {import('next').NextConfig} */
module.exports = {
  // Native and Node-only modules stay outside the server bundle.
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features", "better-sqlite3", "@prisma/adapter-better-sqlite3", "pino", "tar-stream"],
  poweredByHeader: false,
  typedRoutes: false,
  eslint: undefined,
};
