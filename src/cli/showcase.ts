/**
 * The demo's jobs: each one scripts the simulated provider for its story (matched on its own request, so the
 * order in which jobs are created does not matter) and says how it should end.
 * Intervals are sub-second so the whole demo takes seconds.
 */
import type { AnyActorRef, EventObject } from 'xstate';
import type { PollOptions } from '../core/options.js';
import type { PerceptisStatusStep } from '../simulator/perceptis.js';
import type { ScriptStep } from '../simulator/script.js';
import type { Simulator } from '../simulator/server.js';
import { providers } from './providers.js';

export interface ShowcaseJob {
  label: string;
  provider: string;
  request: unknown;
  options: Partial<PollOptions>;
  /** How the story ends when everything works. */
  expect: 'succeeded' | 'failed' | 'rejected' | 'timedOut' | 'cancelled';
  /** Queues this job's script in the simulator. */
  script(sim: Simulator): void;
  /** The demo cancels the job this long after its start, to show a cancellation. */
  cancelAfterMs?: number;
  /** Runs before a person's reply is sent (e.g. the payment is settled in the simulator). */
  beforeReply?(sim: Simulator, job: AnyActorRef, event: EventObject): Promise<void> | void;
}

const fast: Partial<PollOptions> = {
  pollIntervalMs: 300,
  pollGrowth: 1.2,
  maxPollIntervalMs: 1_000,
  minDelayMs: 0,
  retryDelayMs: 200,
  jitter: 0.1,
  timeoutMs: 45_000,
};

const on = (prompt: string) => (body: unknown) => (body as { prompt?: unknown } | undefined)?.prompt === prompt;
const retryAfter1s = { http: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'rate_limit_exceeded', message: 'Polling too quickly. Use Retry-After and back off.' } } };

/** A Perceptis story: the job's request is its prompt, and the simulator plays `steps` for it. */
function perceptisStory(
  label: string,
  request: { prompt: string; output_type: 'deck' | 'single_slide' },
  steps: ScriptStep<PerceptisStatusStep>[],
  rest: Pick<ShowcaseJob, 'expect' | 'cancelAfterMs'>,
): ShowcaseJob {
  return {
    label,
    provider: 'perceptis',
    request,
    options: fast,
    ...rest,
    script: (sim) => sim.perceptis.scripts.push({ steps }, on(request.prompt)),
  };
}

const perceptisJobs: ShowcaseJob[] = [
  perceptisStory(
    'deck through a 429 storm',
    { prompt: 'Quarterly review, ten slides', output_type: 'deck' },
    [
      { status: 'pending' },
      retryAfter1s,
      retryAfter1s,
      retryAfter1s,
      { status: 'processing' },
      { status: 'processing' },
      { status: 'completed', variants: 2 },
    ],
    { expect: 'succeeded' },
  ),
  perceptisStory(
    'slide that fails',
    { prompt: 'One slide in a template that breaks', output_type: 'single_slide' },
    [
      { status: 'pending' },
      { status: 'processing' },
      { status: 'processing' },
      { status: 'failed', error: { code: 'generation_failed', message: 'The template could not hold this content.' } },
    ],
    { expect: 'failed' },
  ),
  perceptisStory(
    'deck cancelled midway',
    { prompt: 'A deck nobody needs any more', output_type: 'deck' },
    [{ status: 'pending' }, { status: 'processing' }],
    { expect: 'cancelled', cancelAfterMs: 2_500 },
  ),
];

/** The showcase, limited to the providers this version has. */
export function showcase(): ShowcaseJob[] {
  const known = new Set(providers.map((p) => p.name));
  return [...perceptisJobs].filter((job) => known.has(job.provider));
}
