/**
 * `input.signal`: aborting it cancels the job as `CANCEL` does, in every kind of state a job can rest in —
 * a request in flight, a wait, the key's rate budget, a person's answer or payment — and after a restore.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createActor, waitFor, type AnyActorRef } from 'xstate';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { clearRateBudgets } from '../src/core/budget-registry.js';
import { settle } from '../src/core/outcome.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { startJob } from './support/jobs.js';
import { simulator } from './support/sim.js';
import { newClock, nextPause, pendingTimers } from './support/simulated-time.js';

const drain = () => new Promise((r) => setTimeout(r, 20));

/** Aborts, checks the job ends cancelled, sends nothing more, leaves no timer and no listener on the signal. */
async function abortAndExpectCancelled(actor: AnyActorRef, controller: AbortController, sim: { log: unknown[] }, clock: ReturnType<typeof newClock>) {
  const before = sim.log.length;
  controller.abort();
  expect(((await settle(actor)) as { status: string }).status).toBe('cancelled');
  clock.increment(60 * 60_000);
  await drain();
  expect(sim.log.length).toBeLessThanOrEqual(before + 1); // a request already on the wire may still be logged
  expect(pendingTimers(clock)).toBe(0);
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
}

describe('input.signal', () => {
  it('cancels a job whose request is in flight', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ fault: 'hang' }] });
    const controller = new AbortController();
    const actor = startJob('perceptis', sim.url, clock, { signal: controller.signal, options: { requestTimeoutMs: 60_000 } });
    await waitFor(actor, (s) => s.matches({ polling: { poller: 'requesting' } }));
    await new Promise((r) => setTimeout(r, 30));
    await abortAndExpectCancelled(actor, controller, sim, clock);
  });

  it('cancels a job waiting for its next poll, and leaves no listener behind', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const controller = new AbortController();
    const actor = startJob('perceptis', sim.url, clock, { signal: controller.signal });
    expect((await nextPause(actor)).hasTag('waiting')).toBe(true);
    await abortAndExpectCancelled(actor, controller, sim, clock);
  });

  it('an already aborted signal cancels the job at once', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const controller = new AbortController();
    controller.abort();
    const actor = startJob('perceptis', sim.url, clock, { signal: controller.signal });
    expect((await settle(actor)).status).toBe('cancelled');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('cancels a job waiting for the key’s rate budget', async () => {
    clearRateBudgets();
    try {
      const clock = newClock();
      const sim = await simulator(clock);
      const options = { rateLimit: { requestsPerSecond: 1 / 3600 } };
      const first = startJob('perceptis', sim.url, clock, { options });
      const controller = new AbortController();
      const second = startJob('perceptis', sim.url, clock, { options, signal: controller.signal });
      await waitFor(second, (s) => s.matches({ submitting: { waitingForBudget: 'paced' } }));
      await abortAndExpectCancelled(second, controller, sim, clock);
      first.send({ type: 'CANCEL' });
    } finally {
      clearRateBudgets();
    }
  });

  it('cancels a Cata job waiting for a person’s answer', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({ steps: [{ status: 'needs_clarification' }] });
    const controller = new AbortController();
    const actor = startJob('cata', sim.url, clock, { signal: controller.signal });
    await waitFor(actor, (s) => s.hasTag('needs-input'));
    await abortAndExpectCancelled(actor, controller, sim, clock);
  });

  it('cancels a markdown2pdf job waiting for payment', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const controller = new AbortController();
    const actor = startJob('markdown2pdf', sim.url, clock, { signal: controller.signal });
    expect((await nextPause(actor)).value).toBe('paymentRequired');
    await abortAndExpectCancelled(actor, controller, sim, clock);
  });

  it('a job restored from a persisted snapshot listens to the signal it was restored with', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const first = startJob('perceptis', sim.url, clock);
    await nextPause(first);
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();
    const controller = new AbortController();
    const restored = createActor(perceptisJob, {
      clock,
      snapshot: persisted,
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, signal: controller.signal },
    }).start();
    expect(restored.getSnapshot().hasTag('waiting')).toBe(true);
    await abortAndExpectCancelled(restored, controller, sim, clock);
  });
});
