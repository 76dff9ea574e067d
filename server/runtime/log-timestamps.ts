/** Engine log timestamps (RFC 3339, nanoseconds) compared as instants, whatever their fraction's width. */
export function compareLogTimestamps(a: string, b: string): number {
  const norm = (ts: string) => {
    const m = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
    if (!m) return { s: Date.parse(ts) / 1000, ns: "000000000" };
    return { s: Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000), ns: (m[2] ?? "").padEnd(9, "0").slice(0, 9) };
  };
  const x = norm(a);
  const y = norm(b);
  if (x.s !== y.s) return x.s < y.s ? -1 : 1;
  return x.ns < y.ns ? -1 : x.ns > y.ns ? 1 : 0;
}
