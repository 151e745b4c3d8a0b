/**
 * The shape of the documentation: a short front page, and no link to a page that is not there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { markdownFiles } from './blocks.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');

/** Relative links of a markdown text (code blocks and inline code left out): the file (empty: this page) and anchor. */
function relativeLinks(markdown: string): { file: string; anchor?: string }[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z]+:/i.test(target))
    .map((target) => {
      const [file, anchor] = target.split('#');
      return anchor === undefined ? { file } : { file, anchor };
    });
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const headings = markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+)$/gm);
  return new Set([...headings].map((h) => h[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')));
}

describe('documentation pages', () => {
  it('README.md is a front page of at most 10 KB', () => {
    expect(statSync(join(repoRoot, 'README.md')).size).toBeLessThanOrEqual(10 * 1024);
  });

  it("README.md's quick start commands are scripts of package.json", () => {
    const readme = read('README.md');
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toMatch(/^npm test\b/m);
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['demo', 'test']));
  });

  const pages = [...markdownFiles(repoRoot), 'CHANGELOG.md', 'bench/RESULTS.md'];
  it.each(pages)('every relative link of %s leads to a file of the repository, and to a heading of it', (page) => {
    const broken = relativeLinks(read(page)).filter(({ file, anchor }) => {
      const target = file === '' ? page : join(dirname(page), file);
      if (!existsSync(join(repoRoot, target))) return true;
      return anchor !== undefined && target.endsWith('.md') && !anchorsOf(read(target)).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it('docs/README.md links every page of docs/', () => {
    const index = read('docs/README.md');
    const linked = new Set(relativeLinks(index).map(({ file }) => relative('docs', join('docs', file))));
    const docsPages = readdirSync(join(repoRoot, 'docs')).filter((name) => name.endsWith('.md') && name !== 'README.md');
    expect(docsPages.filter((name) => !linked.has(name))).toEqual([]);
  });
});
