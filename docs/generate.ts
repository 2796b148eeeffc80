/**
 * Writes the generated parts of docs/: the configuration table (from config/schema.ts) and
 * the policy table with its counts (from the policies). `npm run docs` rewrites them in place;
 * `npm run docs -- --check` (and docs/docs.test.ts) fails when a page and the code disagree.
 * A generated part sits between two markers, so the prose around it is written by hand.
 */
import * as fs from "fs";
import * as path from "path";
import { configTable } from "../config/docsTable";
import { policyCounts, policyTable } from "../policies/docsTable";

export const REGENERATE = "npm run docs";

export interface GeneratedBlock {
  /** Relative to the repository root. */
  file: string;
  name: string;
  content: () => string;
}

export const GENERATED_BLOCKS: GeneratedBlock[] = [
  { file: "docs/configuration.md", name: "config-table", content: configTable },
  {
    file: "docs/policies.md",
    name: "policy-table",
    content: () => `${policyCounts()}\n\n${policyTable()}`,
  },
];

const ROOT = path.join(__dirname, "..");
const begin = (name: string) =>
  `<!-- BEGIN GENERATED ${name}: edit the code, then ${REGENERATE} -->`;
const end = (name: string) => `<!-- END GENERATED ${name} -->`;

/** The page with its block replaced by `content`; throws when the markers are missing. */
export function withBlock(page: string, file: string, name: string, content: string): string {
  const from = page.indexOf(begin(name));
  const to = page.indexOf(end(name));
  if (from < 0 || to < from) {
    throw new Error(`${file} has no '${begin(name)}' ... '${end(name)}' markers; put them back.`);
  }
  return `${page.slice(0, from)}${begin(name)}\n${content}\n${page.slice(to)}`;
}

/** Files whose generated blocks differ from what the code generates now. */
export function staleFiles(read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8")) {
  return GENERATED_BLOCKS.filter((b) => {
    const page = read(b.file);
    return withBlock(page, b.file, b.name, b.content()) !== page;
  }).map((b) => `${b.file} (${b.name})`);
}

export function writeAll(): string[] {
  const written: string[] = [];
  for (const b of GENERATED_BLOCKS) {
    const file = path.join(ROOT, b.file);
    const page = fs.readFileSync(file, "utf8");
    const next = withBlock(page, b.file, b.name, b.content());
    if (next !== page) {
      fs.writeFileSync(file, next);
      written.push(b.file);
    }
  }
  return written;
}

if (require.main === module) {
  if (process.argv.includes("--check")) {
    const stale = staleFiles();
    if (stale.length) {
      console.error(`Stale generated docs: ${stale.join(", ")}. Run \`${REGENERATE}\`.`);
      process.exit(1);
    }
  } else {
    const written = writeAll();
    console.log(written.length ? `Wrote ${written.join(", ")}.` : "Generated docs are current.");
  }
}
