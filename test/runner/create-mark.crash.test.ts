/**
 * A create that cannot be sent twice (Cata: no idempotency key) is marked in the store as it leaves, and the mark is
 * cleared as soon as its answer (the job id) is stored: only a worker killed while a create was out leaves a job that
 * ends rejected / unconfirmed. One killed while a create waits for the key's rate budget has sent nothing, and one
 * killed after the create was answered has stored the job id: the next worker goes on with both.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import type { Runner } from '../../src/runner/types.js';
import { redisForThisFile } from '../support/redis.js';
import { withCataBackend } from './crash-backends.js';
import { killHard, startWorkerProcess } from './worker-process.js';

const redis = redisForThisFile();
const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map(killHard));
});

const options = { pollIntervalMs: 10, pollGrowth: 1, minDelayMs: 0, jitter: 0 };
const creates = (sim: Simulator) => sim.requests('cata').filter((r) => r.path.endsWith('/generate'));

async function submitJobs(client: Runner, sim: Simulator, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 1; n <= count; n++) {
    sim.cata.scripts.push({ steps: [{ status: 'pending' }, { status: 'completed', resultScriptId: n }] });
    ids.push(await client.submit('cata', { baseUrl: sim.url, request: { provider: 'grabfood', topic: 'list_remote_outlets' }, options }));
  }
  return ids;
}

describe.each(['bullmq', 'local'] as const)('%s runner: the create mark', (kind) => {
  it('is kept for a create that was out when its worker was killed, and cleared once the job id is stored', async () => {
    await withCataBackend(kind, `mark-${kind}`, redis().url, children, async (sim, backend) => {
      const [id] = await submitJobs(backend.client, sim, 1);
      // The create is answered; the first status read never is: the worker is killed while it waits for it.
      sim.faults.add({ provider: 'cata', method: 'GET', fault: { wire: 'hang' }, when: 'after' });
      const first = await startWorkerProcess(backend.bundle, backend.env, children);
      await expect.poll(() => sim.requests('cata').filter((r) => r.method === 'GET').length, { timeout: 10_000, interval: 5 }).toBe(1);
      await killHard(first);
      await startWorkerProcess(backend.bundle, backend.env, children);
      expect(await backend.client.outcome(id)).toMatchObject({ status: 'succeeded', result: { resultScriptId: 1 } });
      expect(creates(sim)).toHaveLength(1);
    });
  }, 30_000);
});

// A lock (bullmq) or lease (local) to expire and a budget of one request per 2 s: ~9 s (bullmq), ~5 s (local).
// bullmq: the budget is the gate in Redis, before each request; local: the chart's own, in the process.
describe.each(['bullmq', 'local'] as const)('%s runner: a worker killed while a create waits for the budget', (kind) => {
  it('sent nothing for it, so the next worker creates the job; the create that was out is not sent again', async () => {
    await withCataBackend(kind, `mark-budget-${kind}`, redis().url, children, async (sim, backend) => {
      const ids = await submitJobs(backend.client, sim, 2);
      // One Cata request per 2 s for the key: one create goes at once (Cata makes the job; its answer is lost), the
      // other waits for the budget.
      sim.faults.add({ provider: 'cata', method: 'POST', path: /\/generate$/, fault: { wire: 'hang' }, when: 'after' });
      const env = { ...backend.env, CATA_RATE: '0.5' };
      const first = await startWorkerProcess(backend.bundle, env, children);
      await expect.poll(() => creates(sim).length, { timeout: 10_000, interval: 5 }).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      await killHard(first);
      expect(creates(sim)).toHaveLength(1);
      await startWorkerProcess(backend.bundle, env, children);

      const outcomes = await Promise.all(ids.map((id) => backend.client.outcome(id)));
      expect(outcomes.map((o) => o.status).sort()).toEqual(['rejected', 'succeeded']);
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ error: { kind: 'unconfirmed' } });
      expect(creates(sim)).toHaveLength(2);
    });
  }, 30_000);
});
