import { describe, expect, it } from 'vitest';
import { ALLOWED_IMPORT, blocksOf, importsOf } from './blocks.js';

const page = [
  '# A page',
  '```ts',
  "import { settle } from 'jobcharts';",
  '```',
  '```sh',
  'npm test',
  '```',
  '```ts check-only',
  "import { createActor } from 'xstate';",
  '```',
  '```text',
  'const not = "checked";',
  '```',
].join('\n');

describe('code blocks of a markdown page', () => {
  it('finds the ts blocks with their line and whether they run', () => {
    expect(blocksOf('page.md', page)).toEqual([
      { file: 'page.md', line: 3, mode: 'run', code: "import { settle } from 'jobcharts';\n" },
      { file: 'page.md', line: 9, mode: 'check-only', code: "import { createActor } from 'xstate';\n" },
    ]);
  });

  it('refuses a flag it does not know, rather than skip the block', () => {
    expect(() => blocksOf('page.md', '```ts no-run\nx\n```')).toThrow('page.md:1: unknown code block flag "no-run"');
  });

  it('allows imports of the package, xstate and node: only', () => {
    const code = "import a from 'jobcharts';\nimport { b } from 'jobcharts/simulator';\nimport c from 'node:assert/strict';\nimport 'ws';\nconst d = await import('@statelyai/inspect');";
    expect(importsOf(code).filter((m) => !ALLOWED_IMPORT.test(m))).toEqual(['ws', '@statelyai/inspect']);
  });
});
