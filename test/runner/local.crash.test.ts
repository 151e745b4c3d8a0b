import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { localRunner } from '../../src/runner/local.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { Runner } from '../../src/runner/types.js';
import { bundleWorker, killHard, startWorkerProcess } from './worker-process.js';

const children: ChildProcess[] = [];
let worker = '';
beforeAll(async () => {
  worker = await bundleWorker('local-worker.ts');
});
afterEach(async () => {
  await Promise.all(children.splice(0).map(killHard));
});

const startWorker = (file: string, simUrl: string) =>
  startWorkerProcess(worker, { JOBS_FILE: file, SIM_URL: simUrl, PERCEPTIS_KEY: PERCEPTIS_TEST_KEY, LEASE_MS: '300' }, children);

it('localRunner: jobs survive kill -9 of the working process and end right in the next one, with one create each', async () => {
  const sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
  const dir = mkdtempSync(join(tmpdir(), 'jobcharts-crash-'));
  const file = join(dir, 'jobs.db');
  let submitter: Runner | undefined;
  try {
    submitter = localRunner({ file, apiKeys: { perceptis: PERCEPTIS_TEST_KEY }, baseUrls: { perceptis: [sim.url] }, pollMs: 20 });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      sim.perceptis.scripts.push({ steps: [...Array(15).fill({ status: 'processing' }), { status: 'completed' }] } as never);
      ids.push(await submitter.submit('perceptis', { baseUrl: sim.url, request: { prompt: `deck ${i}`, output_type: 'single_slide' }, options: { pollIntervalMs: 10, pollGrowth: 1, minDelayMs: 0, jitter: 0 } }));
    }
    const first = await startWorker(file, sim.url);
    while (sim.requests('perceptis').length < 40) await new Promise((r) => setTimeout(r, 10));
    await killHard(first);
    const afterKill = sim.requests('perceptis').length;
    await startWorker(file, sim.url);
    const outcomes = await Promise.all(ids.map((id) => submitter!.outcome(id)));
    expect(outcomes.map((o) => o.status)).toEqual(ids.map(() => 'succeeded'));
    expect(sim.requests('perceptis').length).toBeGreaterThan(afterKill);
    expect(sim.perceptis.jobCount).toBe(ids.length);
  } finally {
    await Promise.all(children.splice(0).map(killHard));
    await submitter?.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
