"use client";

import { StreamLanguage } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { nginx } from "@codemirror/legacy-modes/mode/nginx";
import { properties } from "@codemirror/legacy-modes/mode/properties";
import { unifiedMergeView } from "@codemirror/merge";
import { EditorState, type Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import CodeMirror, { type ReactCodeMirrorRef } from "@uiw/react-codemirror";
import { useMemo, type Ref } from "react";
import type { ConfigFileEntry } from "@/server/contracts/config-files";

/** ini (php.ini, pools) as `properties`, nginx as `nginx`; Apache and plain option files read well as properties too. */
const LANGUAGES: Record<ConfigFileEntry["language"], Extension> = {
  ini: StreamLanguage.define(properties),
  nginx: StreamLanguage.define(nginx),
  apache: StreamLanguage.define(properties),
  plain: StreamLanguage.define(properties),
};

const theme = EditorView.theme({
  "&": { fontSize: "13px", height: "100%" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" },
  ".cm-gutters": { borderRight: "1px solid var(--border)" },
  // The line a check refused: tinted as a whole, not only underlined, so it is found at a glance.
  ".cm-lintRange-error": { backgroundColor: "color-mix(in srgb, var(--danger) 14%, transparent)" },
});

// No auto-closing brackets or quotes: in a config file a typed "(" must stay exactly what was typed.
const SETUP = { lineNumbers: true, foldGutter: false, highlightActiveLine: true, searchKeymap: true, autocompletion: false, closeBrackets: false } as const;

// tabindex: axe counts a contenteditable as focusable only with one (scrollable-region-focusable on .cm-scroller).
/** CodeMirror 6 with line numbers, search (Ctrl/Cmd-F) and highlighting for the file's language. */
export function CodeEditor({
  value,
  onChange,
  language,
  readOnly,
  label,
  editorRef,
}: {
  value: string;
  onChange: (v: string) => void;
  language: ConfigFileEntry["language"];
  readOnly?: boolean;
  label: string;
  editorRef?: Ref<ReactCodeMirrorRef>;
}) {
  const extensions = useMemo(() => [LANGUAGES[language], theme, lintGutter(), EditorView.contentAttributes.of({ "aria-label": label, tabindex: "0" })], [language, label]);
  return (
    <CodeMirror
      ref={editorRef}
      value={value}
      onChange={onChange}
      extensions={extensions}
      readOnly={readOnly}
      editable={!readOnly}
      basicSetup={SETUP}
      height="60vh"
      data-testid="code-editor"
    />
  );
}

/**
 * Marks `line` (1-based) of the open document as refused, with the tool's message on hover and in the lint
 * gutter, and scrolls it into the middle of the editor with the cursor on it; null clears the mark.
 */
export function markRefusedLine(view: EditorView, problem: { line: number; message: string } | null): void {
  if (!problem) {
    view.dispatch(setDiagnostics(view.state, []));
    return;
  }
  const line = view.state.doc.line(Math.min(Math.max(problem.line, 1), view.state.doc.lines));
  view.dispatch(setDiagnostics(view.state, [{ from: line.from, to: line.to, severity: "error", message: problem.message, source: "check" }]));
  // The editor in the middle of the page first (on a phone it sits below the file tree, and the sticky header
  // would cover a line scrolled only to the page's edge), then the line in the middle of the editor.
  view.dom.scrollIntoView({ block: "center" });
  view.dispatch({ selection: { anchor: line.from }, effects: EditorView.scrollIntoView(line.from, { y: "center" }) });
}

/** The draft against the saved version, as one document with deletions and insertions marked and unchanged runs folded. */
export function DiffView({ saved, draft, language }: { saved: string; draft: string; language: ConfigFileEntry["language"] }) {
  const extensions = useMemo(
    () => [
      LANGUAGES[language],
      theme,
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      // Read-only content is not focusable by default: named and in the tab order, so the diff can be scrolled by keyboard.
      EditorView.contentAttributes.of({ "aria-label": "Changes: deleted lines, then the lines that replace them", tabindex: "0" }),
      // Only the changes, with three lines around each: a 1,900-line php.ini shows as a few lines.
      unifiedMergeView({ original: saved, mergeControls: false, highlightChanges: true, gutter: true, collapseUnchanged: { margin: 3, minSize: 4 } }),
    ],
    [saved, language],
  );
  return <CodeMirror value={draft} extensions={extensions} basicSetup={{ ...SETUP, highlightActiveLine: false }} maxHeight="60vh" data-testid="diff-view" />;
}
