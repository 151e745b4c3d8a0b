/**
 * The two runners as the crash tests use them: a client runner in the test process, and the worker processes it
 * starts (real processes, killed with kill -9) on the same store: a Redis prefix, or a SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bullmqRunner } from '../../src/bullmq/runner.js';
import { localRunner } from '../../src/runner/local.js';
import { CATA_TEST_KEY } from '../../src/providers/cata/simulator.js';
import type { ChildProcess } from 'node:child_process';
import { startSimulator, type Simulator } from '../../src/simulator/server.js';
import type { Runner } from '../../src/runner/types.js';
import { bundleWorker, killHard } from './worker-process.js';

export type BackendKind = 'bullmq' | 'local';

export interface CrashBackend {
  /** Submits, sends and watches; steps nothing. */
  client: Runner;
  /** The environment of the backend's worker processes. */
  env: Record<string, string>;
  bundle: string;
  cleanUp(): void;
}

const bundles = new Map<BackendKind, Promise<string>>();

/** The backend's worker script, bundled once per test file. */
export function workerBundle(kind: BackendKind): Promise<string> {
  let bundle = bundles.get(kind);
  if (!bundle) bundles.set(kind, (bundle = bundleWorker(kind === 'bullmq' ? 'bullmq-worker.ts' : 'local-worker.ts')));
  return bundle;
}

/** A Cata backend on `sim`: jobs under `name` in `redisUrl`'s Redis, or in a fresh SQLite file. */
export async function cataBackend(kind: BackendKind, sim: Simulator, name: string, redisUrl: string): Promise<CrashBackend> {
  const config = { apiKeys: { cata: CATA_TEST_KEY }, baseUrls: { cata: [sim.url] } };
  const common = { NODE_NO_WARNINGS: '1', SIM_URL: sim.url, CATA_KEY: CATA_TEST_KEY };
  const bundle = await workerBundle(kind);
  if (kind === 'bullmq') {
    const client = bullmqRunner({ ...config, connection: redisUrl, prefix: name });
    return { client, env: { ...common, REDIS_URL: redisUrl, PREFIX: name }, bundle, cleanUp: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'jobcharts-crash-'));
  const file = join(dir, 'jobs.db');
  const client = localRunner({ ...config, file, pollMs: 20 });
  return { client, env: { ...common, JOBS_FILE: file, LEASE_MS: '300' }, bundle, cleanUp: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `test` with a simulator and a Cata backend, then kills the worker processes it started (listed in
 * `children`) and closes everything, whatever the test did.
 */
export async function withCataBackend(
  kind: BackendKind,
  name: string,
  redisUrl: string,
  children: ChildProcess[],
  test: (sim: Simulator, backend: CrashBackend) => Promise<void>,
): Promise<void> {
  const sim = await startSimulator();
  const backend = await cataBackend(kind, sim, name, redisUrl);
  try {
    await test(sim, backend);
  } finally {
    await Promise.all(children.splice(0).map(killHard));
    await backend.client.close();
    await sim.close();
    backend.cleanUp();
  }
}
