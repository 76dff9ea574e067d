/**
 * Lint: no import cycle between folders of server/ (a folder may use the folders below it, never its caller).
 * Reads every import/export-from of server/**.ts (tests included), maps it to its folder, and reports each
 * cycle of the folder graph with one import that closes it. Exits 1 when there is one.
 */
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..");
const serverDir = path.join(root, "server");

function walk(dir: string, out: string[]) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "generated" && e.name !== "node_modules") walk(p, out);
    } else if (/\.tsx?$/.test(e.name)) out.push(p);
  }
}

/** The folder a server file belongs to: its first segment under server/ ("" for files at server/'s top). */
const folderOf = (file: string) => {
  const rel = path.relative(serverDir, file).split(path.sep);
  return rel.length > 1 ? rel[0]! : "";
};

const files: string[] = [];
walk(serverDir, files);
const edges = new Map<string, Map<string, string>>(); // from -> to -> an example "file -> import"
for (const file of files) {
  const from = folderOf(file);
  if (!from) continue; // server/*.ts (config, errors, log) are leaves shared by every folder
  const text = fs.readFileSync(file, "utf8");
  for (const m of text.matchAll(/(?:import|export)\s[^"';]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    let target: string | null = null;
    if (spec.startsWith(".")) target = path.resolve(path.dirname(file), spec);
    else if (spec.startsWith("@/server/")) target = path.join(root, spec.slice(2));
    if (!target || !target.startsWith(serverDir + path.sep)) continue;
    const resolved = [target, `${target}.ts`, `${target}.tsx`, path.join(target, "index.ts")].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    const to = folderOf(resolved ?? `${target}.ts`);
    if (!to || to === from) continue;
    const byTo = edges.get(from) ?? new Map<string, string>();
    if (!byTo.has(to)) byTo.set(to, `${path.relative(root, file)} imports ${spec}`);
    edges.set(from, byTo);
  }
}

if (process.env.DEBUG_CYCLES) for (const [a, m] of edges) console.log(a, "->", [...m.keys()].join(" "));
// Tarjan's strongly connected components: every component of more than one folder is a cycle.
let index = 0;
const idx = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const components: string[][] = [];
function connect(v: string) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!idx.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v)!, low.get(w)!));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
  }
  if (low.get(v) === idx.get(v)) {
    const comp: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1) components.push(comp);
  }
}
for (const v of edges.keys()) if (!idx.has(v)) connect(v);

if (!components.length) {
  console.log(`folder cycles: none among ${new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]).size} server folders`);
  process.exit(0);
}
for (const comp of components) {
  console.error(`folder cycle: ${comp.sort().join(" <-> ")}`);
  for (const a of comp) for (const [b, why] of edges.get(a) ?? []) if (comp.includes(b)) console.error(`  ${a} -> ${b}: ${why}`);
}
process.exit(1);
