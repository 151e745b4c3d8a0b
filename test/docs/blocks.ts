/**
 * The ```ts code blocks of the project's markdown (README.md, docs/*.md), as the docs test compiles and runs them.
 *
 * A block fenced ```ts (or ```typescript) is a whole program: it is type-checked against the built package and run.
 * A block fenced ```ts check-only is type-checked but not run (see docs/README.md for when that is allowed).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export type BlockMode = 'run' | 'check-only';

export interface CodeBlock {
  /** The markdown file, relative to the repository (e.g. `docs/cli.md`). */
  file: string;
  /** 1-based line of the block's first code line in that file. */
  line: number;
  mode: BlockMode;
  code: string;
}

const OPENING = /^```(ts|typescript)(?:\s+(.*))?$/;
const FENCE = /^```/;

/** Every ts block of one markdown text; throws on a flag it does not know (a typo must not skip a block). */
export function blocksOf(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i])) continue;
    const opening = OPENING.exec(lines[i].trimEnd());
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (opening) {
      const flag = (opening[2] ?? '').trim();
      if (flag !== '' && flag !== 'check-only') throw new Error(`${file}:${i + 1}: unknown code block flag "${flag}" (known: check-only)`);
      blocks.push({ file, line: start + 1, mode: flag === 'check-only' ? 'check-only' : 'run', code: lines.slice(start, end).join('\n') + '\n' });
    }
    i = end;
  }
  return blocks;
}

/** README.md and every markdown file under docs/. */
export function markdownFiles(repoRoot: string): string[] {
  const files = [join(repoRoot, 'README.md')];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  if (existsSync(join(repoRoot, 'docs'))) walk(join(repoRoot, 'docs'));
  return files.map((f) => relative(repoRoot, f)).sort((a, b) => (a === 'README.md' ? -1 : b === 'README.md' ? 1 : a.localeCompare(b)));
}

export function projectBlocks(repoRoot: string): CodeBlock[] {
  return markdownFiles(repoRoot).flatMap((file) => blocksOf(file, readFileSync(join(repoRoot, file), 'utf8')));
}

/** What a block may import: the package, xstate (its peer) and Node's own modules — what a user's app has. */
/** The package, xstate, zod (the schemas of a provider of your own, `pollingJob`'s `schemas`) and Node's own modules. */
export const ALLOWED_IMPORT = /^(jobcharts(\/[a-z0-9-]+)?|xstate|zod(\/mini)?|node:[a-z_/]+)$/;

export function importsOf(code: string): string[] {
  return [...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2]);
}
