import { describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { settle } from '../src/core/outcome.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { simulator } from './support/sim.js';

describe('settle', () => {
  it('resolves cancelled, with the job id, when the actor is stopped from outside', async () => {
    const sim = await simulator();
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }] });
    const actor = createActor(perceptisJob, {
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request: { prompt: 'x', output_type: 'deck' } },
    }).start();
    const outcome = settle(actor);
    await new Promise((resolve) => actor.subscribe((s) => s.context.jobId && resolve(undefined)));
    actor.stop();
    expect(await outcome).toEqual({ status: 'cancelled', jobId: actor.getSnapshot().context.jobId });
  });

  it('resolves at once for an actor that has already ended', async () => {
    const done = createActor(createMachine({ initial: 'end', states: { end: { type: 'final' } }, output: () => 'out' })).start();
    expect(await settle(done)).toBe('out');
  });

  it('rejects when the actor itself errored (a bug, not an outcome)', async () => {
    const broken = createActor(
      createMachine({
        initial: 'a',
        states: { a: { entry: () => { throw new Error('boom'); } } },
      }),
    );
    broken.subscribe({ error: () => {} });
    broken.start();
    await expect(settle(broken)).rejects.toThrow('boom');
  });
});
