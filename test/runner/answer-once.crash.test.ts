/**
 * A person's answer is applied once, without help from the provider: a worker process killed (kill -9) after Cata
 * took its /respond, before it stored its step, leaves a job whose next worker does not send the answer again.
 * Cata would refuse a second answer; the test counts every /respond Cata received, refused ones included.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { redisForThisFile } from '../support/redis.js';
import { withCataBackend } from './crash-backends.js';
import { killHard, startWorkerProcess } from './worker-process.js';

const redis = redisForThisFile();
const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map(killHard));
});

const options = { pollIntervalMs: 10, pollGrowth: 1, minDelayMs: 0, jitter: 0 };

describe.each(['bullmq', 'local'] as const)('%s runner: a worker killed after sending an answer', (kind) => {
  it('does not have it sent again: Cata receives one /respond, and the job succeeds', async () => {
    await withCataBackend(kind, `answer-${kind}`, redis().url, children, async (sim, backend) => {
      const { client } = backend;
      sim.cata.scripts.push({ steps: [{ status: 'needs_clarification', question: 'Which region?' }, { status: 'pending' }, { status: 'completed', resultScriptId: 3 }] });
      const id = await client.submit('cata', { baseUrl: sim.url, request: { provider: 'grabfood', topic: 'list_remote_outlets' }, options });
      // Cata takes the answer, and its reply never reaches the worker: the worker is killed while it waits for it.
      sim.faults.add({ provider: 'cata', method: 'POST', path: /\/respond$/, fault: { wire: 'hang' }, when: 'after' });
      let answered = false;
      client.watch(id, (view) => {
        if (!view.needsInput || answered) return;
        answered = true;
        void client.send(id, { type: 'ANSWER', text: 'Singapore' });
      });
      const first = await startWorkerProcess(backend.bundle, backend.env, children);
      await expect.poll(() => sim.cata.answersReceived.length, { timeout: 10_000, interval: 5 }).toBe(1);
      await killHard(first);
      await startWorkerProcess(backend.bundle, backend.env, children);

      const outcome = await client.outcome(id);
      expect(outcome).toMatchObject({ status: 'succeeded', result: { resultScriptId: 3 } });
      expect(sim.cata.answersReceived.map((a) => a.response)).toEqual(['Singapore']);
      expect(sim.requests('cata').filter((r) => r.path.endsWith('/generate'))).toHaveLength(1);
    });
  }, 30_000);
});
