/**
 * Two steps of one job in one worker at once: the job's next step is given out before the step that scheduled it
 * has returned (or after the job was found stalled). BullMQ renews locks by job id, so the older step's end stopped
 * the renewal of the newer one's lock (see src/bullmq/step-lock.ts): a step that waits longer than its lock (here
 * for the key's rate budget) lost it, the job was found stalled, stepped again, and so on: it never ended.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { redisForThisFile } from '../support/redis.js';
import { withCataBackend } from './crash-backends.js';
import { killHard, startWorkerProcess } from './worker-process.js';

const redis = redisForThisFile();
const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map(killHard));
});

const options = { pollIntervalMs: 10, pollGrowth: 1, minDelayMs: 0, jitter: 0 };

it("bullmqRunner: a job's step that waits for the budget longer than its lock, begun before the last step returned, ends the job", async () => {
  await withCataBackend('bullmq', 'overlapping-steps', redis().url, children, async (sim, backend) => {
    sim.cata.scripts.push({ steps: [{ status: 'pending' }, { status: 'pending' }, { status: 'completed', resultScriptId: 7 }] });
    const id = await backend.client.submit('cata', { baseUrl: sim.url, request: { provider: 'grabfood', topic: 'list_remote_outlets' }, options });
    // One Cata request per 2 s (the worker's lock lasts 1 s): each poll waits for the budget longer than the lock.
    await startWorkerProcess(backend.bundle, { ...backend.env, CATA_RATE: '0.5', SLOW_PUBLISH_MS: '300' }, children);
    expect(await backend.client.outcome(id)).toMatchObject({ status: 'succeeded', result: { resultScriptId: 7 } });
    expect(sim.requests('cata').map((r) => r.method)).toEqual(['POST', 'GET', 'GET', 'GET']);
  });
}, 20_000);
