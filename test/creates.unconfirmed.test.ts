/**
 * Issue 13, item 7: a paid create without an idempotency key (Bland, Depicta, Cata) is never sent twice when the
 * first may have made a job; the job ends saying so (rejected / unconfirmed, `unconfirmedCreate`). Perceptis keeps
 * retrying with its Idempotency-Key. Real HTTP to the simulator, in simulated time.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createActor, type AnyActorRef } from 'xstate';
import { settle } from '../src/core/outcome.js';
import type { Simulator } from '../src/simulator/server.js';
import { blandUnderFaults, cataUnderFaults, depictaUnderFaults, perceptisUnderFaults } from './faults/charts.js';
import type { ChartUnderFaults } from './support/fault-runs.js';
import { simulator } from './support/sim.js';
import { newClock, untilSettled } from './support/simulated-time.js';

const quickly = { jitter: 0, requestTimeoutMs: 200, retryDelayMs: 500 };

async function run(chart: ChartUnderFaults, sim: Simulator, clock: ReturnType<typeof newClock>, options: object = {}) {
  chart.script(sim, { inProgress: 1, end: 'succeeded', schedule: [], options: {}, cancelAtPause: null, restartAtPauses: [] });
  const actor = createActor(chart.machine, { clock, input: { ...chart.input(sim), options: { ...quickly, ...options } } }).start();
  await untilSettled(actor, clock);
  return settle(actor) as Promise<{ status: string; jobId?: unknown; error?: { kind: string }; unconfirmedCreate?: Record<string, unknown> }>;
}

const posts = (sim: Simulator, provider: string) => sim.requests(provider).filter((r) => r.method === 'POST');

describe('a create without an idempotency key whose answer is lost', () => {
  it('Depicta: timed out after sending — not sent again; rejected / unconfirmed, saying when it was sent', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.faults.add({ provider: 'depicta', method: 'POST', fault: { wire: 'hang' } });
    const sentAt = clock.now();
    const outcome = await run(depictaUnderFaults, sim, clock);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'unconfirmed' }, unconfirmedCreate: { reason: 'timeout', attempts: 1, sentAt } });
    expect(outcome).not.toHaveProperty('jobId');
    expect(posts(sim, 'depicta')).toHaveLength(1);
  });

  it('Bland: connection reset after the provider made the job — one job, not two', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.faults.add({ provider: 'bland', method: 'POST', fault: { wire: 'reset' }, when: 'after' });
    const outcome = await run(blandUnderFaults, sim, clock);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'unconfirmed' }, unconfirmedCreate: { reason: 'network', attempts: 1 } });
    expect(posts(sim, 'bland')).toHaveLength(1);
    expect(sim.bland.jobCount).toBe(1);
  });

  it('Cata: after a 503 and then a reset, the count says two creates went out', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.faults.add({ provider: 'cata', method: 'POST', fault: { http: 503 } }, { provider: 'cata', method: 'POST', fault: { wire: 'reset' } });
    const outcome = await run(cataUnderFaults, sim, clock);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'unconfirmed' }, unconfirmedCreate: { reason: 'network', attempts: 2 } });
    expect(posts(sim, 'cata')).toHaveLength(2);
  });

  it('with resendUnconfirmedCreates, is sent again (the app accepts a second job)', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.faults.add({ provider: 'cata', method: 'POST', fault: { wire: 'reset' } });
    const outcome = await run(cataUnderFaults, sim, clock, { resendUnconfirmedCreates: true });
    expect(outcome.status).toBe('succeeded');
    expect(posts(sim, 'cata')).toHaveLength(2);
  });

  it('Perceptis keeps retrying with its Idempotency-Key: one job', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.faults.add({ provider: 'perceptis', method: 'POST', fault: { wire: 'reset' }, when: 'after' });
    const outcome = await run(perceptisUnderFaults, sim, clock);
    expect(outcome.status).toBe('succeeded');
    expect(posts(sim, 'perceptis')).toHaveLength(2);
    expect(sim.perceptis.jobCount).toBe(1);
  });

  it('a connection never made is retried (nothing can exist), and ends unavailable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const clock = newClock();
    const sim = await simulator(clock);
    const input = { ...depictaUnderFaults.input(sim), baseUrl: `http://127.0.0.1:${port}`, options: { ...quickly, maxRetries: 1 } };
    const actor = createActor(depictaUnderFaults.machine, { clock, input }).start();
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'unavailable' } });
    expect(outcome).not.toHaveProperty('unconfirmedCreate');
  });
});

describe('a job persisted while its create is out', () => {
  async function persistedWhileCreating(chart: ChartUnderFaults, sim: Simulator, clock: ReturnType<typeof newClock>) {
    sim.faults.add({ provider: chart.provider, method: 'POST', fault: { wire: 'hang' } });
    const input = { ...chart.input(sim), options: quickly };
    const first: AnyActorRef = createActor(chart.machine, { clock, input }).start();
    for (let i = 0; i < 500 && posts(sim, chart.provider).length === 0; i++) await new Promise((r) => setTimeout(r, 2));
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();
    return { persisted, input };
  }

  it('Depicta: restored, does not send it again; rejected / unconfirmed (reason restored)', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const { persisted, input } = await persistedWhileCreating(depictaUnderFaults, sim, clock);
    const restored = createActor(depictaUnderFaults.machine, { clock, snapshot: persisted, input }).start();
    const outcome = await settle(restored);
    await new Promise((r) => setTimeout(r, 20));
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'unconfirmed' }, unconfirmedCreate: { reason: 'restored', attempts: 1 } });
    expect(posts(sim, 'depicta')).toHaveLength(1);
  });

  it('Perceptis: restored, sends it again with the same Idempotency-Key, and goes on', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    perceptisUnderFaults.script(sim, { inProgress: 0, end: 'succeeded', schedule: [], options: {}, cancelAtPause: null, restartAtPauses: [] });
    const { persisted, input } = await persistedWhileCreating(perceptisUnderFaults, sim, clock);
    const restored = createActor(perceptisUnderFaults.machine, { clock, snapshot: persisted, input }).start();
    await untilSettled(restored, clock);
    expect((await settle(restored)).status).toBe('succeeded');
    expect(posts(sim, 'perceptis')).toHaveLength(2);
  });

  it('Bland: persisted before it ever ran, restored: the create goes once, and the job goes on', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    blandUnderFaults.script(sim, { inProgress: 0, end: 'succeeded', schedule: [], options: {}, cancelAtPause: null, restartAtPauses: [] });
    const input = { ...blandUnderFaults.input(sim), options: quickly };
    const persisted = JSON.parse(JSON.stringify(createActor(blandUnderFaults.machine, { clock, input }).getPersistedSnapshot()));
    const restored = createActor(blandUnderFaults.machine, { clock, snapshot: persisted, input }).start();
    await untilSettled(restored, clock);
    expect((await settle(restored)).status).toBe('succeeded');
    expect(posts(sim, 'bland')).toHaveLength(1);
  });
});

describe('CANCEL while a create without an idempotency key is out', () => {
  it('Depicta: waits for the create’s answer, and the cancelled outcome carries the job id (the paid story is not lost)', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const actor = createActor(depictaUnderFaults.machine, { clock, input: { ...depictaUnderFaults.input(sim), options: quickly } }).start();
    actor.send({ type: 'CANCEL' });
    actor.send({ type: 'CANCEL' }); // a second one changes nothing
    expect(actor.getSnapshot().value).toEqual({ submitting: { requesting: 'cancelling' } });
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'cancelled', jobId: sim.requests('depicta')[0].jobId });
    expect(sim.depicta.jobCount).toBe(1);
    expect(sim.requests('depicta')).toHaveLength(1);
  });

  it('Bland: the signal aborted while the create is out waits the same way', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const controller = new AbortController();
    const input = { ...blandUnderFaults.input(sim), options: quickly, signal: controller.signal };
    const actor = createActor(blandUnderFaults.machine, { clock, input }).start();
    controller.abort();
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'cancelled', jobId: expect.any(String) });
    expect(sim.bland.jobCount).toBe(1);
  });

  it('Cata: no answer within requestTimeoutMs — cancelled, saying the job may exist', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.faults.add({ provider: 'cata', method: 'POST', fault: { wire: 'hang' } });
    const actor = createActor(cataUnderFaults.machine, { clock, input: { ...cataUnderFaults.input(sim), options: quickly } }).start();
    actor.send({ type: 'CANCEL' });
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'cancelled', unconfirmedCreate: { reason: 'timeout', attempts: 1 } });
    expect(outcome).not.toHaveProperty('jobId');
  });

  it('Perceptis (Idempotency-Key) still ends at once: the create can be sent again later with the same key', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const actor = createActor(perceptisUnderFaults.machine, { clock, input: { ...perceptisUnderFaults.input(sim), options: quickly } }).start();
    actor.send({ type: 'CANCEL' });
    expect(actor.getSnapshot().status).toBe('done');
    expect(await settle(actor)).toEqual({ status: 'cancelled' });
  });
});
