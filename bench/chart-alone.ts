/**
 * What the chart itself costs per poll, without HTTP: the Perceptis chart with its request actors answering from
 * memory (on the next turn of the event loop). XState's share of a poll — events, snapshots, the request actor,
 * the wait — measured without the noise of sockets and of the simulator's thread.
 */
import { createActor } from 'xstate';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { requestActor } from '../src/core/request-actor.js';
import { settle } from '../src/core/outcome.js';
import { fixedInterval } from './workload.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** In-progress answers before the job completes. */
const POLLS = 10;

const fromMemory = perceptisJob.provide({
  actors: {
    create: requestActor(async () => {
      await nextTurn();
      return { type: 'submit.accepted', jobId: 'job' };
    }),
    status: requestActor<{ polls: number }>(async ({ context }) => {
      await nextTurn();
      return context.polls < POLLS
        ? { type: 'status.processing' }
        : { type: 'status.completed', progress: 1, result: { outputType: 'single_slide', downloads: [] } };
    }),
  },
} as never);

/** Runs `n` jobs to their end (a create and POLLS + 1 status requests each); CPU µs per request, `cpu` the clock. */
export async function chartAlone(n: number, cpu: () => number): Promise<number> {
  const request = { prompt: 'A one-slide summary of our quarter', output_type: 'single_slide' as const };
  const c0 = cpu();
  const jobs = [];
  for (let i = 0; i < n; i++) {
    const input = { baseUrl: 'http://127.0.0.1:9', apiKey: 'key', request, options: fixedInterval(1) };
    jobs.push(settle(createActor(fromMemory, { input }).start()));
  }
  const outcomes = await Promise.all(jobs);
  const failed = outcomes.filter((o) => o.status !== 'succeeded');
  if (failed.length) throw new Error(`chart alone: ${failed.length} jobs did not succeed: ${JSON.stringify(failed[0])}`);
  return (cpu() - c0) / (n * (POLLS + 2));
}
