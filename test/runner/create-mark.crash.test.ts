/**
 * A create that cannot be sent twice (Cata: no idempotency key) is marked as it leaves, not before: a worker killed
 * while a create waits for the key's rate budget has sent nothing, and the next worker sends it. A worker killed
 * after a create left (its answer not stored) leaves the mark: that job ends rejected / unconfirmed, created once.
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

// bullmq: the budget is the gate in Redis, before each request. (localRunner's budget is the chart's own, in the
// process: it paces polls, not a job's first request, which its stored first snapshot sends at once.)
describe.each(['bullmq'] as const)('%s runner: a worker killed while a create waits for the budget', (kind) => {
  it('sent nothing for it, so the next worker creates the job; the create that had left is not sent again', async () => {
    await withCataBackend(kind, `mark-${kind}`, redis().url, children, async (sim, backend) => {
      const { client } = backend;
      const ids: string[] = [];
      for (const n of [1, 2]) {
        sim.cata.scripts.push({ steps: [{ status: 'completed', resultScriptId: n }] });
        ids.push(await client.submit('cata', { baseUrl: sim.url, request: { provider: 'grabfood', topic: 'list_remote_outlets' }, options }));
      }
      // One Cata request per 2 s for the key: one create goes at once, the other waits for the budget.
      const env = { ...backend.env, CATA_RATE: '0.5' };
      const creates = () => sim.requests('cata').filter((r) => r.path.endsWith('/generate'));
      const first = await startWorkerProcess(backend.bundle, env, children);
      await expect.poll(() => creates().length, { timeout: 10_000, interval: 5 }).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      await killHard(first);
      expect(creates()).toHaveLength(1);
      await startWorkerProcess(backend.bundle, env, children);

      const outcomes = await Promise.all(ids.map((id) => client.outcome(id)));
      expect(outcomes.map((o) => o.status).sort()).toEqual(['rejected', 'succeeded']);
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ error: { kind: 'unconfirmed' } });
      expect(creates()).toHaveLength(2);
    });
  }, 30_000);
});
