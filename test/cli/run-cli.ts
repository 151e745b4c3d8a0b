/**
 * Runs the `jobcharts` command as a real process: from the sources through tsx (as `npm run demo` does), or
 * bundled the way `npm run build` bundles dist/cli.js — the same code, started three times faster, which
 * keeps files that start many processes quick on a busy machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll } from 'vitest';
import { providers } from '../../src/providers/registry.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

let bundled: Promise<string> | undefined;
let bundleDir: string | undefined;

afterAll(() => {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

/** Bundles src/cli/main.ts once per test file (dependencies stay in node_modules, as in dist/). */
export function bundledCli(): Promise<string> {
  bundled ??= (async () => {
    const outDir = join(repoRoot, 'node_modules', '.cache', 'jobcharts-cli-test', String(process.pid));
    bundleDir = outDir;
    await build({
      entry: { cli: 'src/cli/main.ts' },
      format: ['esm'],
      outDir,
      target: 'node20',
      config: false,
      silent: true,
      dts: false,
      sourcemap: false,
    });
    return join(outDir, 'cli.js');
  })();
  return bundled;
}
/** Every provider's key and base-URL variables. */
const PROVIDER_ENV = new Set(providers.flatMap((p) => [p.keyEnv, p.baseUrlEnv]).filter(Boolean));

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the process has ended. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** `sources` (tsx, as `npm run demo`) or `bundle` (default). */
  from?: 'sources' | 'bundle';
}

/** Starts `jobcharts <args>`; the provider variables of the test's own environment are not passed on. */
export async function startCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const env = options.env ?? {};
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !PROVIDER_ENV.has(name)));
  const entry = options.from === 'sources' ? ['--import', 'tsx', 'src/cli/main.ts'] : [await bundledCli()];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: repoRoot,
    env: { ...inherited, NO_COLOR: '1', FORCE_COLOR: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

export async function runCli(args: string[], env: Record<string, string> = {}) {
  const run = await startCli(args, { env });
  run.child.stdin!.end();
  return run.done;
}

/** Resolves once `predicate` holds, checking every 20 ms. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
