import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { blandJob, cataJob, depictaJob, markdown2pdfJob, perceptisJob, settle } from '../src/index.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { simulator } from './support/sim.js';

const input = { baseUrl: 'http://127.0.0.1:9', apiKey: PERCEPTIS_TEST_KEY, request: { prompt: 'x', output_type: 'deck' as const } };
/** Attaching by id: an input every chart takes (Cata's ids are numbers), so only the `send` below can be wrong. */
const attach = { baseUrl: 'http://127.0.0.1:9', apiKey: 'k', jobId: 'job-1' };

/**
 * The exported charts accept from outside only what a person or an app may send: CANCEL, Cata's ANSWER,
 * markdown2pdf's PAID. `npm test` type-checks this file: each `@ts-expect-error` below fails the check if the
 * forged event ever type-checks again.
 */
describe('events an app may send a job', () => {
  it('a forged provider answer does not type-check; CANCEL, ANSWER and PAID do', () => {
    const job = createActor(perceptisJob, { input });
    const forge = () => {
      // @ts-expect-error a provider's answer comes from the job's own request actors, never from the app
      job.send({ type: 'status.completed', result: { downloads: [] } });
      // @ts-expect-error the same for the poller's own events
      job.send({ type: 'timer.due', at: 0 });
      // @ts-expect-error and for HTTP failures
      createActor(blandJob, { input: attach }).send({ type: 'http.unauthorized', message: 'no' });
      // @ts-expect-error ANSWER is Cata's: Depicta never asks
      createActor(depictaJob, { input: attach }).send({ type: 'ANSWER', text: 'yes' });
    };
    const allowed = () => {
      job.send({ type: 'CANCEL' });
      createActor(cataJob, { input: { ...attach, jobId: 1 } }).send({ type: 'ANSWER', text: 'yes' });
      createActor(markdown2pdfJob, { input: attach }).send({ type: 'PAID' });
    };
    expect([forge, allowed]).toHaveLength(2);
  });

  it("the exported chart still takes its own actors' events: a job runs to its outcome", async () => {
    const sim = await simulator();
    sim.perceptis.scripts.push({ steps: [{ status: 'completed' }] });
    const job = createActor(perceptisJob, {
      input: { ...input, baseUrl: sim.url, options: { pollIntervalMs: 1, minDelayMs: 0 } },
    }).start();
    const outcome = await settle(job);
    expect(outcome.status).toBe('succeeded');
    job.send({ type: 'CANCEL' });
  });
});
