import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
const outDir = join(root, 'node_modules', '.cache', 'jobcharts-test-workers');

/**
 * Bundles a worker script once (plain node starts it in ~100 ms, where tsx takes seconds on a busy machine), and
 * starts it as a real child process that tests can `kill -9`. Resolves once the worker says it is working.
 */
export async function bundleWorker(entry: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${entry.replace(/\W+/g, '-')}.mjs`);
  const { outputFiles } = await build({
    entryPoints: [join(import.meta.dirname, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
    write: false,
  });
  // Test files bundle in parallel: written aside and renamed, so no worker ever starts from a half-written file.
  const aside = `${outfile}.${process.pid}-${randomUUID()}`;
  writeFileSync(aside, outputFiles[0].contents);
  renameSync(aside, outfile);
  return outfile;
}

export function startWorkerProcess(bundle: string, env: Record<string, string>, started: ChildProcess[]): Promise<ChildProcess> {
  const child = fork(bundle, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  started.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before it worked`)));
  });
}

/** Sends SIGKILL (`kill -9`) and resolves once the process is gone. */
export function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
