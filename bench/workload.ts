/**
 * The bench's workload, two ways: jobcharts actors, and what a user could write instead — an async loop per job
 * with the same ofetch client and the same intervals (create, then poll until the status says done).
 */
import { ofetch } from 'ofetch';
import { createActor, type AnyStateMachine } from 'xstate';
import { depictaJob } from '../src/providers/depicta/chart.js';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import type { PollOptions } from '../src/core/options.js';
import { settle } from '../src/core/outcome.js';
import { DEPICTA_STORY_MODEL, DEPICTA_TEST_KEY } from '../src/providers/depicta/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';

export interface BenchProvider {
  name: 'perceptis' | 'depicta';
  machine: AnyStateMachine;
  apiKey: string;
  request: unknown;
  /** The simulated job: in progress, finished `finishAfterMs` after it was created. */
  script(finishAfterMs: number): unknown;
  /** The hand-written client's calls. */
  createPath: string;
  statusPath(jobId: string): string;
  headers: Record<string, string>;
}

const inProgressFor = (status: string, finishAfterMs: number) => ({
  timeline: [
    { afterMs: 0, status },
    { afterMs: finishAfterMs, status: 'completed' },
  ],
});

export const providers: BenchProvider[] = [
  {
    name: 'perceptis',
    machine: perceptisJob,
    apiKey: PERCEPTIS_TEST_KEY,
    request: { prompt: 'A one-slide summary of our quarter', output_type: 'single_slide' },
    script: (finishAfterMs) => inProgressFor('processing', finishAfterMs),
    createPath: '/api/v1/generate',
    statusPath: (id) => `/api/v1/status/${id}`,
    headers: { authorization: `Bearer ${PERCEPTIS_TEST_KEY}` },
  },
  {
    name: 'depicta',
    machine: depictaJob,
    apiKey: DEPICTA_TEST_KEY,
    request: {
      model: DEPICTA_STORY_MODEL,
      characters: [{ name: 'Aria', appearance: 'A young archivist with silver hair' }],
      scenes: [{ prompt: 'Aria enters the ancient library' }],
    },
    script: (finishAfterMs) => inProgressFor('processing', finishAfterMs),
    createPath: '/v1/generate/story',
    statusPath: (id) => `/v1/jobs/${id}`,
    headers: { authorization: `Bearer ${DEPICTA_TEST_KEY}` },
  },
];

/** The same fixed interval for both ways: no growth, no jitter, no floor. */
export function fixedInterval(intervalMs: number): Partial<PollOptions> {
  return { pollIntervalMs: intervalMs, maxPollIntervalMs: intervalMs, pollGrowth: 1, minDelayMs: 0, jitter: 0, timeoutMs: Infinity };
}

/** One running job, either way: its outcome (with when it was known), and a way to stop it. */
export interface RunningJob {
  done: Promise<{ status: string; jobId?: string; at: number }>;
  /** Resolves once the job has made its first status request and is waiting for the next. */
  waiting(): boolean;
  cancel(): void;
}

export function startChartJob(provider: BenchProvider, baseUrl: string, options: Partial<PollOptions>): RunningJob {
  const actor = createActor(provider.machine, {
    input: { baseUrl, apiKey: provider.apiKey, request: provider.request, options },
  }).start();
  return {
    done: settle(actor).then((o: { status: string; jobId?: string }) => ({ status: o.status, jobId: o.jobId, at: Date.now() })),
    waiting: () => actor.getSnapshot().hasTag('waiting'),
    cancel: () => actor.send({ type: 'CANCEL' }),
  };
}

/** Waits `ms`, or until `signal` is aborted. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The baseline: create, then poll at a fixed interval until `completed` or `failed` — what a user writes by hand. */
export function startLoopJob(provider: BenchProvider, baseUrl: string, intervalMs: number): RunningJob {
  const controller = new AbortController();
  let polled = false;
  let inSleep = false;
  const run = async () => {
    const created = await ofetch<{ job_id: string }>(`${baseUrl}${provider.createPath}`, {
      method: 'POST',
      headers: provider.headers,
      body: provider.request as Record<string, unknown>,
      signal: controller.signal,
    });
    for (;;) {
      const body = await ofetch<{ status: string }>(`${baseUrl}${provider.statusPath(created.job_id)}`, {
        headers: provider.headers,
        signal: controller.signal,
      });
      polled = true;
      if (body.status === 'completed' || body.status === 'failed') return { status: body.status === 'completed' ? 'succeeded' : 'failed', jobId: created.job_id, at: Date.now() };
      inSleep = true;
      await sleep(intervalMs, controller.signal);
      inSleep = false;
      if (controller.signal.aborted) return { status: 'cancelled', jobId: created.job_id, at: Date.now() };
    }
  };
  return {
    done: run().catch((error: unknown) => ({ status: controller.signal.aborted ? 'cancelled' : `error: ${String(error)}`, at: Date.now() })),
    waiting: () => polled && inSleep,
    cancel: () => controller.abort(),
  };
}
