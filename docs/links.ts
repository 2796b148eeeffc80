/**
 * Relative links in the repository's Markdown, checked the way GitHub resolves them: the file
 * must exist, and a `#fragment` must be a heading of the target page. Pages move; a link that
 * breaks should fail a test, not a reader during an incident.
 */
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.join(__dirname, "..");

/** The Markdown the repository ships: README, CONTRIBUTING and everything under docs/. */
export function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) return walk(rel);
      return e.name.endsWith(".md") ? [rel] : [];
    });
  return ["README.md", "CONTRIBUTING.md", ...walk("docs")].filter((f) =>
    fs.existsSync(path.join(ROOT, f)),
  );
}

/** Markdown without fenced code blocks and inline code, where `[x](y)` is not a link. */
function prose(text: string): string {
  return text.replace(/^```[^]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's heading anchor: lowercase, punctuation dropped, spaces to '-', repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of markdown.replace(/^```[^]*?^```/gm, "").matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface BrokenLink {
  file: string;
  link: string;
  problem: string;
}

/**
 * Every broken relative link of `file` (relative to the root), whose text is `text`. `read`
 * returns a page's text, or undefined when it does not exist.
 */
export function brokenLinks(
  file: string,
  text: string,
  read: (file: string) => string | undefined = (f) => {
    const abs = path.join(ROOT, f);
    if (!fs.existsSync(abs)) return undefined;
    return fs.statSync(abs).isDirectory() ? "" : fs.readFileSync(abs, "utf8");
  },
): BrokenLink[] {
  const broken: BrokenLink[] = [];
  for (const m of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const link = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto: ...
    const [target, fragment] = link.split("#", 2) as [string, string | undefined];
    const resolved = target
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), target))
      : file;
    const page = target ? read(resolved) : text;
    if (page === undefined) {
      broken.push({ file, link, problem: `${resolved} does not exist` });
    } else if (fragment !== undefined && resolved.endsWith(".md") && !anchors(page).has(fragment)) {
      broken.push({ file, link, problem: `${resolved} has no heading #${fragment}` });
    }
  }
  return broken;
}

/** Relative links of a page, resolved to repository paths, without fragments. */
export function linkedPages(file: string, text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s#]+)(?:#[^)\s]*)?(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1])
    .filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link))
    .map((link) => path.posix.normalize(path.posix.join(path.posix.dirname(file), link)));
}

/** Pages a reader can reach from `start` by following links. */
export function reachable(
  start: string,
  read: (file: string) => string | undefined = (f) =>
    fs.existsSync(path.join(ROOT, f)) ? fs.readFileSync(path.join(ROOT, f), "utf8") : undefined,
): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const next of linkedPages(file, read(file) ?? "")) {
      if (next.endsWith(".md") && !seen.has(next) && read(next) !== undefined) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}
