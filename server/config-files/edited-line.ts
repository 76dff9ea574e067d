/**
 * Pure: which line of the saved content a check's complaint is about, from the person's point of view.
 *
 * A tool reports the line where its parser stopped, which is not always the line that was edited: for
 * `session.name = (X` php says "on line N+1" (it stops at the end of the line), for an unclosed quote it
 * says the last line of the file. The staged copy is the saved content byte for byte (check-user.ts keeps
 * line numbers), so the tool's line is a line of the saved content; the edit that broke a file that passed
 * its check before is the nearest edited line at or above where the tool stopped.
 */

/** Lines (1-based, of `after`) that are new or changed against `before`; a deletion marks the line after it. */
export function editedLines(before: string, after: string): number[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const changed = new Set<number>();
  const markDeletionAt = (indexInB: number) => changed.add(Math.min(indexInB, b.length - 1) + 1);
  // Gaps left by deleted lines (index in b of the line after the gap); a gap beside a changed line is that change.
  const gaps: number[] = [];

  // One edited region is the usual case; several edits far apart get a real diff of the region between them.
  if (midA.length * midB.length > 4_000_000) {
    for (let i = 0; i < midB.length; i++) changed.add(start + i + 1);
    if (!midB.length) markDeletionAt(start);
    return [...changed].sort((x, y) => x - y);
  }
  // Longest common subsequence over the middle: lines of b outside it are edits.
  const n = midA.length;
  const m = midB.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      changed.add(start + j + 1);
      j++;
    } else {
      gaps.push(start + j);
      i++;
    }
  }
  for (const g of gaps) if (!changed.has(g) && !changed.has(g + 1)) markDeletionAt(g);
  return [...changed].sort((x, y) => x - y);
}

/**
 * The edited line a complaint at `toolLine` belongs to: that line when it was edited, else the nearest
 * edited line above it; the tool's own line when no edit comes before it (the fault is elsewhere); null
 * when the tool names no line (a guess would send the person to the wrong place).
 */
export function lineOfEdit(before: string, after: string, toolLine: number | null): number | null {
  if (toolLine === null) return null;
  const edited = editedLines(before, after);
  let best: number | null = null;
  for (const l of edited) if (l <= toolLine) best = l;
  return best ?? toolLine;
}
