/**
 * Every ```ts block of README.md and docs/ is a program a user could paste into a project that depends on
 * jobcharts: it is type-checked against the package as built (dist/, reached through package.json `exports`, as
 * an installed package is) and run with Node in a process of its own, against the simulator it starts itself.
 * A block must end on its own: one that leaves a timer, socket or server open never exits and fails here.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_IMPORT, importsOf, projectBlocks, type CodeBlock } from './blocks.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const blocks = projectBlocks(repoRoot);
const RUN_TIMEOUT_MS = 30_000;
const PARALLEL_RUNS = 3;

let project = '';
const problems = new Map<CodeBlock, string[]>();
const sourceOf = (block: CodeBlock) => `${block.file.replace(/[^a-zA-Z0-9]+/g, '-')}-L${block.line}`;

/** Newest modification time of the files the build reads, against dist/'s. */
function distIsFresh(): boolean {
  let newest = 0;
  const visit = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const input of ['src', 'visualizer', 'package.json', 'tsup.config.ts']) visit(join(repoRoot, input));
  try {
    // Both: tsup writes the JavaScript first and the declarations tens of seconds later.
    const built = Math.min(...['index.js', 'index.d.ts'].map((f) => statSync(join(repoRoot, 'dist', f)).mtimeMs));
    return built >= newest;
  } catch {
    return false;
  }
}

/** A user's project: `type: module`, jobcharts, xstate and zod in node_modules (links to this checkout). */
function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobcharts-docs-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules', 'jobcharts'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules', 'xstate'), join(dir, 'node_modules', 'xstate'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-examples', private: true, type: 'module' }));
  for (const block of blocks) writeFileSync(join(dir, `${sourceOf(block)}.ts`), block.code);
  return dir;
}

/** Type-checks every block as one program (strict, Node's own module resolution) and emits JavaScript beside it. */
function compile(dir: string): void {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    strict: true,
    // The package's shipped declarations are checked too, as a strict user project would.
    skipLibCheck: false,
    noEmitOnError: false,
  };
  const files = blocks.map((b) => join(dir, `${sourceOf(b)}.ts`));
  const program = ts.createProgram(files, options);
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  for (const d of diagnostics) {
    const block = d.file ? blocks.find((b) => join(dir, `${sourceOf(b)}.ts`) === d.file!.fileName) : undefined;
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!block || !d.file || d.start === undefined) {
      // A problem outside the blocks (e.g. the package's own declarations) fails every block.
      for (const b of blocks) problems.set(b, [...(problems.get(b) ?? []), `${d.file?.fileName ?? ''}: TS${d.code} ${text}`]);
      continue;
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    problems.set(block, [...(problems.get(block) ?? []), `${block.file}:${block.line + line}:${character + 1} TS${d.code} ${text}`]);
  }
}

/** URLs in the code (comments aside) that are not the loopback: a run must never reach a real provider. */
function outsideUrls(code: string): string[] {
  const withoutComments = code.replace(/\/\/.*$/gm, '');
  return [...withoutComments.matchAll(/https?:\/\/[^\s'"`]+/g)].map((m) => m[0]).filter((url) => !/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url));
}

let running = 0;
const queue: (() => void)[] = [];
async function slot<T>(task: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL_RUNS) await new Promise<void>((resolve) => queue.push(resolve));
  running += 1;
  try {
    return await task();
  } finally {
    running -= 1;
    queue.shift()?.();
  }
}

/** Runs one compiled block with Node; the whole process group is killed afterwards, so nothing outlives it. */
function run(block: CodeBlock): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const env = Object.fromEntries(['PATH', 'HOME', 'TMPDIR', 'LANG'].filter((k) => process.env[k]).map((k) => [k, process.env[k]!]));
    const child = spawn(process.execPath, [join(project, `${sourceOf(block)}.js`)], { cwd: project, env, detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup(child.pid);
      resolve({ code, output, timedOut });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

beforeAll(() => {
  if (!distIsFresh()) throw new Error('dist/ is missing or older than the sources: run `npm run build` (`npm test` builds first)');
  project = makeProject();
  compile(project);
}, 120_000);

afterAll(() => {
  // JOBCHARTS_DOCS_KEEP=1 keeps the project (blocks as .ts and .js) to look into a failing one.
  if (project && process.env.JOBCHARTS_DOCS_KEEP) console.log(`docs examples kept in ${project}`);
  else if (project) rmSync(project, { recursive: true, force: true });
});

describe('code blocks of README.md and docs/', () => {
  it('finds blocks to check', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  describe.each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))('%s', (_name, block) => {
    it.concurrent(
      block.mode === 'run' ? 'type-checks and runs to completion' : 'type-checks (check-only)',
      async () => {
        const imports = importsOf(block.code);
        expect(imports.filter((m) => !ALLOWED_IMPORT.test(m)), 'imports other than jobcharts, xstate, zod and node:*').toEqual([]);
        expect(problems.get(block) ?? [], 'type errors').toEqual([]);
        expect(outsideUrls(block.code), 'a block that runs talks to 127.0.0.1 only').toEqual([]);
        if (block.mode === 'check-only') return;
        const result = await slot(() => run(block));
        expect(result.timedOut, `did not end within ${RUN_TIMEOUT_MS} ms (a timer, socket or server left open?)\n${result.output}`).toBe(false);
        expect(result.code, `exited ${result.code}:\n${result.output}`).toBe(0);
      },
      RUN_TIMEOUT_MS + 10_000,
    );
  });
});

