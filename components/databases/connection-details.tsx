"use client";

import type { ReactNode } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import type { DatabaseInfo } from "@/server/contracts/environment";

/** The command line a person would type from an app server (the password is asked for, never shown). */
function connectionLine(db: DatabaseInfo): string {
  return db.type === "mariadb"
    ? `mariadb -h ${db.host} -P ${db.port} -u ${db.user} -p ${db.name}`
    : `psql "host=${db.host} port=${db.port} dbname=${db.name} user=${db.user}"`;
}

/** Host, port, database and user with copy buttons, and the connection line: in the database node's Info. */
export function ConnectionDetails({ db }: { db: DatabaseInfo }) {
  const line = connectionLine(db);
  return (
    <section aria-labelledby="db-connection-title" className="flex flex-col gap-3" data-testid="database-connection">
      <h3 id="db-connection-title" className="text-sm font-medium">
        Connection (from the environment&apos;s own network)
      </h3>
      <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[6rem_minmax(0,1fr)]">
        <Item label="Host" value={db.host} testId="db-host" />
        <Item label="Port" value={String(db.port)} testId="db-port" />
        <Item label="Database" value={db.name} testId="db-name" />
        <Item label="User" value={db.user} testId="db-user" />
      </dl>
      <div className="flex flex-col gap-1.5">
        <span className="text-xs text-muted">Connection line (asks for the password; app servers have it as DB_PASSWORD)</span>
        <div className="flex min-w-0 items-start gap-2">
          <pre className="min-w-0 flex-1 rounded-lg bg-code-bg px-3 py-2 font-mono text-xs break-all whitespace-pre-wrap text-code-fg" data-testid="db-connection-line">
            {line}
          </pre>
          <CopyButton text={line} label="Copy" />
        </div>
      </div>
    </section>
  );
}

function Item({ label, value, testId }: { label: string; value: string; testId: string }): ReactNode {
  return (
    <div className="contents">
      <dt className="self-center text-muted">{label}</dt>
      <dd className="flex min-w-0 items-center gap-2">
        <span className="truncate font-mono" data-testid={testId}>
          {value}
        </span>
        <CopyButton text={value} label={`Copy ${label.toLowerCase()}`} />
      </dd>
    </div>
  );
}
