import type { DatabaseKind, NodeKind } from "./types";

/** Database node: MariaDB 10.11 from Debian, images/mariadb. Its data is on a named volume at /var/lib/mysql. */

const ops = (...args: string[]) => ["/usr/local/bin/phleet-db", ...args];

const mariadbDatabase: DatabaseKind = {
  dataPath: "/var/lib/mysql",
  sqlCommand: (name) => ops("sql", name),
  dumpCommand: (name) => ops("dump", name),
  dumpTrailer: /-- Dump completed/,
  restoreCommand: (name, file) => ops("restore", name, file),
  countersCommand: (name) => ops("counters", name),
};

export const mariadb: NodeKind = {
  type: "mariadb",
  role: "database",
  image: "mariadb",
  port: 3306,
  // The engine restarts it after a crash; a kill through the API is healed by Phleet. Either way it is the
  // same container on the same volume, so every committed row comes back.
  restartPolicy: "unless-stopped",
  limits: { memoryMb: 1024, cpus: 1, pids: 512 },
  healthProbe: ["mariadb-admin", "--silent", "ping"],
  database: mariadbDatabase,
  files: [
    {
      id: "my-cnf",
      path: "/etc/mysql/my.cnf",
      label: "my.cnf",
      tree: ["etc", "mysql"],
      language: "ini",
      description: "MariaDB server settings (read at start: saving restarts the node)",
      readOnly: false,
      reload: "restart",
      validator: { kind: "mariadb" },
      validatorLabel: "mariadbd --defaults-file=FILE --help --verbose (exit code checked)",
    },
  ],
};
