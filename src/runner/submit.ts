/**
 * What `submit` stores, made before any request: the job's id, its input without the key, and its first snapshot —
 * so what the chart fixes once (Perceptis's idempotency key, the overall deadline) is fixed here, once, and a
 * worker that crashes and retries the first step sends the same key.
 */
import { randomUUID } from 'node:crypto';
import { chartOf, isProvider } from './charts.js';
import { baseUrlProblem, keyFor } from './keys.js';
import { firstSnapshot } from './step.js';
import type { StoredJob } from './stored-step.js';
import type { JobView, RunnerClock, RunnerConfig, SubmitInput, SubmitOptions } from './types.js';
import { viewOf } from './view.js';

export interface PreparedJob {
  job: StoredJob;
  view: JobView;
  /** When its first step is due: now, or never for a job that ended at once (bad input). */
  dueAt: number | null;
}

export function prepareSubmit(
  config: RunnerConfig,
  provider: string,
  input: SubmitInput,
  options: SubmitOptions = {},
  clock?: RunnerClock,
  /** The first request passes the chart's budget state (the key's budget held in the stepping process's memory). */
  firstRequestViaBudget = false,
): PreparedJob {
  if (!isProvider(provider)) chartOf(provider);
  const urlProblem = baseUrlProblem(config, provider, input?.baseUrl);
  if (urlProblem) throw new Error(`cannot submit: ${urlProblem}`);
  const stored: SubmitInput = { baseUrl: input.baseUrl };
  if (input.request !== undefined) stored.request = input.request;
  if (input.jobId !== undefined) stored.jobId = input.jobId;
  if (input.options !== undefined) stored.options = input.options;
  const apiKey = keyFor(config, provider, options.keyRef);
  const first = firstSnapshot(chartOf(provider), { ...stored, ...(apiKey === undefined ? {} : { apiKey }) }, clock, { firstRequestViaBudget });
  const id = randomUUID();
  // Once the job has its id at the provider, its request is not needed again: the snapshot alone is kept.
  const job: StoredJob = { id, provider, input: { baseUrl: input.baseUrl }, snapshot: first.snapshot };
  if (options.keyRef !== undefined) job.keyRef = options.keyRef;
  const now = clock?.now ? clock.now() : Date.now();
  return { job, view: viewOf(id, provider, first.state, first.outcome), dueAt: first.outcome ? null : now };
}
