/**
 * The folder import graph of the product's source and its cycles. A folder cycle (engine imports
 * adapters, adapters import engine) means neither folder can be read, tested or replaced on its
 * own; folderCycles.test.ts fails when a new one appears. Usage: `npx tsx tools/folderCycles.ts
 * [root] [--dirs]` prints every folder cycle with the imports that make it.
 *
 * A folder here is a unit of the design: a top-level folder (`config`, `manifest`, `plan`), or
 * one level deeper inside the folders of folders (`failover/engine`, `components/traffic`). A
 * unit's own subfolders belong to it (`failover/emulator/services` is part of the emulator), so
 * imports between them are internal. `--dirs` counts every directory on its own instead.
 *
 * Product source only: tests (`*.test.ts`) and test support (`testing/` folders, `testing.ts`)
 * wire everything to everything by design and are left out.
 *
 * Imports are read with TypeScript's own pre-processor (static imports, `export ... from`,
 * `require(...)`, `import(...)` and `import("...")` types), so a lazy `require` counts as much
 * as a static import.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const SKIP_DIRS = new Set(["node_modules", "dist", "build", "testing"]);
/** Top-level folders whose subfolders are the units (layers, components). */
const CONTAINERS = new Set(["failover", "components"]);

/** The unit a file belongs to (see above), or its directory when `dirs` is set. */
export function unitOf(file: string, dirs = false): string {
  const dir = path.posix.dirname(file);
  if (dirs || dir === ".") return dir;
  const parts = dir.split("/");
  return parts.slice(0, CONTAINERS.has(parts[0]) ? 2 : 1).join("/");
}

export interface SourceFile {
  /** Path relative to the root, with forward slashes. */
  file: string;
  text: string;
}

export interface FolderEdge {
  from: string;
  to: string;
  /** The imports that make the edge, as `file -> imported file`. */
  via: string[];
}

export interface FolderCycle {
  /** The folders of one strongly connected component, sorted. */
  folders: string[];
  /** The edges between them. */
  edges: FolderEdge[];
}

/** Product source under `root`: `.ts` files; tests, test support and declarations excluded. */
export function readSources(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || SKIP_DIRS.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !/(\.(test|d)\.ts|^testing\.ts)$/.test(entry.name)) {
        out.push({
          file: path.relative(root, full).split(path.sep).join("/"),
          text: fs.readFileSync(full, "utf8"),
        });
      }
    }
  };
  walk(root);
  return out;
}

/** Resolves a relative specifier the way Node and tsc do for this repo's `.ts` files. */
function resolve(from: string, specifier: string, known: Set<string>): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}

/** File-to-file imports between the given sources (relative specifiers only). */
export function fileImports(sources: SourceFile[]): Array<[string, string]> {
  const known = new Set(sources.map((s) => s.file));
  const edges: Array<[string, string]> = [];
  for (const { file, text } of sources) {
    const info = ts.preProcessFile(text, true, true);
    for (const ref of info.importedFiles) {
      const target = resolve(file, ref.fileName, known);
      if (target) edges.push([file, target]);
    }
  }
  return edges;
}

/** Folder-to-folder edges: a file in `from` imports a file in `to`. */
export function folderEdges(imports: Array<[string, string]>, dirs = false): FolderEdge[] {
  const byPair = new Map<string, FolderEdge>();
  for (const [a, b] of imports) {
    const from = unitOf(a, dirs);
    const to = unitOf(b, dirs);
    if (from === to) continue;
    const key = `${from}\0${to}`;
    const edge = byPair.get(key) ?? { from, to, via: [] };
    edge.via.push(`${a} -> ${b}`);
    byPair.set(key, edge);
  }
  return [...byPair.values()];
}

/** Strongly connected components of more than one folder (Tarjan). */
export function folderCycles(edges: FolderEdge[]): FolderCycle[] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    if (!next.has(e.to)) next.set(e.to, []);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return components
    .map((folders) => {
      const inside = new Set(folders);
      return {
        folders,
        edges: edges.filter((e) => inside.has(e.from) && inside.has(e.to)),
      };
    })
    .sort((a, b) => a.folders[0].localeCompare(b.folders[0]));
}

/** The folder cycles of the source under `root`. */
export function folderCyclesOf(root: string, dirs = false): FolderCycle[] {
  return folderCycles(folderEdges(fileImports(readSources(root)), dirs));
}

export function describeCycle(cycle: FolderCycle): string {
  const lines = [`folders ${cycle.folders.join(", ")}:`];
  for (const e of cycle.edges) {
    lines.push(`  ${e.from} -> ${e.to}`);
    for (const v of e.via) lines.push(`      ${v}`);
  }
  return lines.join("\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const root = path.resolve(args.find((a) => !a.startsWith("--")) ?? path.join(__dirname, ".."));
  const cycles = folderCyclesOf(root, args.includes("--dirs"));
  console.log(`${cycles.length} folder cycle(s)`);
  for (const c of cycles) console.log(describeCycle(c));
  process.exitCode = cycles.length ? 1 : 0;
}
