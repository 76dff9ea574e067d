import { CopyButton } from "@/components/ui/copy-button";
import type { Environment } from "@/server/contracts/environment";

const sessionLines = (s: Environment["session"]) => `session.save_handler = ${s.saveHandler}\nsession.save_path = "${s.savePath}"`;

/** The php.ini lines that point PHP at this environment's session store, ready to paste. */
export function SessionLines({ session, title }: { session: Environment["session"]; title: string }) {
  const text = sessionLines(session);
  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-center justify-between gap-3">
        <h3 className="text-sm font-medium">{title}</h3>
        <CopyButton text={text} label="Copy lines" />
      </div>
      <pre data-testid="session-lines" className="rounded-lg bg-code-bg px-3 py-2.5 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-code-fg">
        {text}
      </pre>
    </div>
  );
}
