/**
 * Cata's answer is applied once: a job persisted while its answer may have been on its way (as a runner stores it,
 * before the request leaves) reads where the job stands when restored, and sends the answer only if it did not arrive.
 */
import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { cataJob } from '../src/providers/cata/chart.js';
import { settle } from '../src/core/outcome.js';
import { CATA_TEST_KEY } from '../src/providers/cata/simulator.js';
import type { Simulator } from '../src/simulator/server.js';
import { simulator } from './support/sim.js';

const options = { pollIntervalMs: 10, pollGrowth: 1, minDelayMs: 0, jitter: 0 };
const request = { provider: 'grabfood', topic: 'list_remote_outlets' as const };

async function askedJob(sim: Simulator) {
  sim.cata.scripts.push({ steps: [{ status: 'needs_clarification', question: 'Which region?' }, { status: 'pending' }, { status: 'completed', resultScriptId: 7 }] });
  const actor = createActor(cataJob, { input: { baseUrl: sim.url, apiKey: CATA_TEST_KEY, request, options } }).start();
  await waitFor(actor, (s) => s.hasTag('needs-input'));
  return actor;
}

const restore = (sim: Simulator, snapshot: unknown) =>
  createActor(cataJob, { snapshot: snapshot as never, input: { baseUrl: sim.url, apiKey: CATA_TEST_KEY } }).start();

describe('Cata: a job restored while its answer was out', () => {
  it('that reached Cata: does not send it again, and goes on', async () => {
    const sim = await simulator();
    const actor = await askedJob(sim);
    // Cata takes the answer; its reply never comes back (the process that sent it is gone).
    sim.faults.add({ provider: 'cata', method: 'POST', path: /\/respond$/, fault: { wire: 'hang' }, when: 'after' });
    actor.send({ type: 'ANSWER', text: 'Singapore' });
    await expect.poll(() => sim.cata.answersReceived.length).toBe(1);
    const persisted = actor.getPersistedSnapshot();
    actor.stop();

    const outcome = await settle(restore(sim, persisted));
    expect(outcome).toMatchObject({ status: 'succeeded', result: { resultScriptId: 7 } });
    expect(sim.cata.answersReceived.map((a) => a.response)).toEqual(['Singapore']);
  });

  it('that never left: reads the status, sees the question still open, and sends it once', async () => {
    const sim = await simulator();
    const actor = await askedJob(sim);
    actor.send({ type: 'ANSWER', text: 'Singapore' });
    // Persisted in the same task, before the request left, then the process is gone.
    const persisted = actor.getPersistedSnapshot();
    actor.stop();
    expect(persisted).toMatchObject({ value: { needsClarification: 'sendingAnswer' } });

    const restored = restore(sim, persisted);
    const outcome = await settle(restored);
    expect(outcome).toMatchObject({ status: 'succeeded' });
    expect(sim.cata.answersReceived.map((a) => [a.response, a.answer])).toEqual([['Singapore', 200]]);
    expect(restored.getSnapshot().context.humanResponse).toBe('Singapore');
  });
});
