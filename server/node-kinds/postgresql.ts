import type { DatabaseKind, NodeKind } from "./types";

/** Database node: PostgreSQL 15 from Debian, images/postgresql. Its data is on a named volume at /var/lib/postgresql/data. */

const ops = (...args: string[]) => ["/usr/local/bin/phleet-db", ...args];

const postgresDatabase: DatabaseKind = {
  dataPath: "/var/lib/postgresql/data",
  sqlCommand: (name) => ops("sql", name),
  dumpCommand: (name) => ops("dump", name),
  dumpTrailer: /PostgreSQL database dump complete/,
  restoreCommand: (name, file) => ops("restore", name, file),
  countersCommand: (name) => ops("counters", name),
};

export const postgresql: NodeKind = {
  type: "postgresql",
  role: "database",
  image: "postgresql",
  port: 5432,
  restartPolicy: "unless-stopped",
  limits: { memoryMb: 1024, cpus: 1, pids: 512 },
  healthProbe: ["pg_isready", "-q", "-h", "/var/run/postgresql", "-p", "5432", "-U", "postgres", "-d", "postgres"],
  database: postgresDatabase,
  files: [
    {
      id: "postgresql-conf",
      path: "/etc/postgresql/postgresql.conf",
      label: "postgresql.conf",
      tree: ["etc", "postgresql"],
      language: "ini",
      description: "PostgreSQL server settings (read at start: saving restarts the node)",
      readOnly: false,
      reload: "restart",
      validator: { kind: "postgresql" },
      validatorLabel: "postgres -C data_directory -c config_file=FILE (exit code checked)",
    },
    {
      id: "pg-hba",
      path: "/etc/postgresql/pg_hba.conf",
      label: "pg_hba.conf",
      tree: ["etc", "postgresql"],
      language: "plain",
      description: "Who may connect, from where, and how they authenticate (saving restarts the node)",
      readOnly: false,
      reload: "restart",
      validator: { kind: "pg-hba" },
      validatorLabel: "a test start of postgres with this pg_hba.conf on a scratch data directory",
    },
  ],
};
