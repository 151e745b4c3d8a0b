import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { bullmqRunner } from '../../src/bullmq/runner.js';
import { CATA_TEST_KEY } from '../../src/providers/cata/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { JobView, Runner } from '../../src/runner/types.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { bundleWorker, killHard, startWorkerProcess } from './worker-process.js';

let redis: RedisServer;
let worker = '';
const children: ChildProcess[] = [];
beforeAll(async () => {
  [redis, worker] = await Promise.all([startRedis(), bundleWorker('bullmq-worker.ts')]);
});
afterEach(async () => {
  await Promise.all(children.splice(0).map(killHard));
});
afterAll(async () => {
  await redis?.stop();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const options = { pollIntervalMs: 10, pollGrowth: 1, minDelayMs: 0, jitter: 0 };

it('bullmqRunner: 3 worker processes killed with kill -9 and one frozen (SIGSTOP) lose no job, create none twice, apply answers once', async () => {
  const sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
  const env = { NODE_NO_WARNINGS: '1', REDIS_URL: redis.url, PREFIX: 'crash', SIM_URL: sim.url, PERCEPTIS_KEY: PERCEPTIS_TEST_KEY, CATA_KEY: CATA_TEST_KEY };
  let client: Runner | undefined;
  try {
    client = bullmqRunner({
      connection: redis.url,
      prefix: 'crash',
      apiKeys: { perceptis: PERCEPTIS_TEST_KEY, cata: CATA_TEST_KEY },
      baseUrls: { perceptis: [sim.url], cata: [sim.url] },
    });
    const decks: string[] = [];
    for (let i = 0; i < 16; i++) {
      sim.perceptis.scripts.push({ steps: [...Array(20).fill({ status: 'processing' }), { status: 'completed' }] } as never);
      decks.push(await client.submit('perceptis', { baseUrl: sim.url, request: { prompt: `deck ${i}`, output_type: 'single_slide' }, options }));
    }
    const questions: string[] = [];
    for (let i = 0; i < 3; i++) {
      sim.cata.scripts.push({ steps: [{ status: 'pending' }, { status: 'needs_clarification', question: `question ${i}` }, ...Array(5).fill({ status: 'pending' }), { status: 'completed', resultScriptId: i }] });
      questions.push(await client.submit('cata', { baseUrl: sim.url, request: { provider: 'grabfood', topic: 'list_remote_outlets' }, options }));
    }
    for (const id of questions) {
      client.watch(id, (view: JobView) => {
        if (view.needsInput && view.question) void client!.send(id, { type: 'ANSWER', text: `answer to ${view.question}` });
      });
    }
    const workers = await Promise.all([0, 1, 2].map(() => startWorkerProcess(worker, env, children)));
    const all = Promise.all([...decks, ...questions].map((id) => client!.outcome(id)));
    let finished = false;
    void all.then(() => (finished = true));
    // Chaos: a kill -9 every 400 ms (a new worker takes its place), and one worker frozen past its lock, then resumed.
    let frozen: ChildProcess | undefined;
    for (let round = 0; round < 6 && !finished; round++) {
      await pause(400);
      if (round === 1) {
        frozen = workers[2];
        frozen.kill('SIGSTOP');
        continue;
      }
      if (round === 4 && frozen) frozen.kill('SIGCONT');
      const victim = workers.shift()!;
      if (victim === frozen) continue;
      await killHard(victim);
      workers.push(await startWorkerProcess(worker, env, children));
    }
    frozen?.kill('SIGCONT');
    const outcomes = await all;
    expect(outcomes.slice(0, decks.length).map((o) => o.status)).toEqual(decks.map(() => 'succeeded'));
    expect(sim.perceptis.jobCount).toBe(decks.length);
    // Cata has no idempotency key: a create a killed worker may have sent is not sent again; that job ends rejected.
    const cata = outcomes.slice(decks.length);
    const cutOff = cata.filter((o) => o.status === 'rejected');
    // Cut off by the runner (its create mark) or by the chart's own restore (the create was out): the same outcome.
    for (const o of cutOff) expect(o).toMatchObject({ error: { kind: 'unconfirmed', message: expect.stringMatching(/not sent again|may exist/) } });
    expect(cata.filter((o) => o.status === 'succeeded')).toHaveLength(questions.length - cutOff.length);
    const creates = sim.requests('cata').filter((r) => r.method === 'POST' && r.path.endsWith('/generate'));
    expect(creates.length).toBeLessThanOrEqual(questions.length);
    // Each question answered once: every /respond Cata received counts, refused ones included (a worker killed
    // after sending an answer must not leave it to be sent again; test/runner/answer-once.crash.test.ts kills one there).
    const answeredJobs = cata.filter((o) => o.status === 'succeeded').map((o) => o.jobId);
    expect(sim.cata.answersReceived.map((a) => a.jobId).sort()).toEqual([...answeredJobs].sort());
    const requests = sim.log.length;
    await pause(300);
    // A worker frozen between its lock check and its write can still send one status read when it wakes (the
    // check cannot be atomic with a request to another server); nothing that changes a job may come after its end.
    expect(sim.log.slice(requests).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${r.answer}`)).toEqual([]);
  } finally {
    await Promise.all(children.splice(0).map(killHard));
    await client?.close();
    await sim.close();
  }
}, 60_000);

it("bullmqRunner: a job's end reaches its watchers though the worker that ended it died before publishing it", async () => {
  const sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
  const env = { NODE_NO_WARNINGS: '1', REDIS_URL: redis.url, PREFIX: 'lost-end', SIM_URL: sim.url, PERCEPTIS_KEY: PERCEPTIS_TEST_KEY, DIE_BEFORE_VIEW_WITH: '"status":"done"' };
  const client = bullmqRunner({ connection: redis.url, prefix: 'lost-end', apiKeys: { perceptis: PERCEPTIS_TEST_KEY }, baseUrls: { perceptis: [sim.url] } });
  try {
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { status: 'completed' }] } as never);
    const id = await client.submit('perceptis', { baseUrl: sim.url, request: { prompt: 'deck', output_type: 'single_slide' }, options });
    const outcome = client.outcome(id);
    const dying = await startWorkerProcess(worker, env, children);
    await new Promise((resolve) => dying.once('exit', resolve));
    expect(dying.signalCode).toBe('SIGKILL');
    expect(await outcome).toMatchObject({ status: 'succeeded' });
  } finally {
    await client.close();
    await sim.close();
  }
}, 20_000);

it('bullmqRunner: a job that waits for a person is shown as such though the worker that parked it died before publishing it', async () => {
  const sim = await startSimulator();
  const env = { NODE_NO_WARNINGS: '1', REDIS_URL: redis.url, PREFIX: 'lost-question', SIM_URL: sim.url, CATA_KEY: CATA_TEST_KEY };
  const client = bullmqRunner({ connection: redis.url, prefix: 'lost-question', apiKeys: { cata: CATA_TEST_KEY }, baseUrls: { cata: [sim.url] } });
  try {
    sim.cata.scripts.push({ steps: [{ status: 'needs_clarification', question: 'Which region?' }, { status: 'completed', resultScriptId: 9 }] });
    const id = await client.submit('cata', { baseUrl: sim.url, request: { provider: 'grabfood', topic: 'list_remote_outlets' }, options });
    client.watch(id, (view) => {
      if (view.needsInput) void client.send(id, { type: 'ANSWER', text: 'Singapore' });
    });
    const outcome = client.outcome(id);
    const dying = await startWorkerProcess(worker, { ...env, DIE_BEFORE_VIEW_WITH: '"needsInput":true' }, children);
    await new Promise((resolve) => dying.once('exit', resolve));
    expect(dying.signalCode).toBe('SIGKILL');
    await startWorkerProcess(worker, env, children);
    expect(await outcome).toMatchObject({ status: 'succeeded', result: { resultScriptId: 9 } });
    expect(sim.cata.answersReceived.map((a) => a.response)).toEqual(['Singapore']);
  } finally {
    await client.close();
    await sim.close();
  }
}, 20_000);
