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

/** Relative link targets of a markdown text (code blocks and inline code left out), without their #anchor. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1].split('#')[0])
    .filter((target) => target !== '' && !/^[a-z]+:/i.test(target));
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
  it.each(pages)('every relative link of %s leads to a file of the repository', (page) => {
    const missing = relativeLinks(read(page)).filter((target) => !existsSync(join(repoRoot, dirname(page), target)));
    expect(missing).toEqual([]);
  });

  it('docs/README.md links every page of docs/', () => {
    const index = read('docs/README.md');
    const linked = new Set(relativeLinks(index).map((target) => relative('docs', join('docs', target))));
    const docsPages = readdirSync(join(repoRoot, 'docs')).filter((name) => name.endsWith('.md') && name !== 'README.md');
    expect(docsPages.filter((name) => !linked.has(name))).toEqual([]);
  });
});
