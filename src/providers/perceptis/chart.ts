/**
 * Perceptis — PowerPoint generation (seed 004).
 *
 *   POST /api/v1/generate        (Idempotency-Key)  → { job_id }
 *   GET  /api/v1/status/{job_id}                    → pending → processing → completed (downloads) | failed (error)
 *   401 bad key · 403 organisation not eligible · 404 unknown job / other key's job · 429 + Retry-After
 *
 * The chart: `submitting` (skipped when attaching by id), then `polling` with two regions side by side —
 * `provider`, what Perceptis last said, and `poller`, what we are doing about it — then one of five ends.
 * Download links are short-lived: for fresh ones, attach to the finished job again (`input.jobId`).
 */
import { randomUUID } from '../../core/random.js';
import { setup } from 'xstate';
import * as z from 'zod/mini';
import { clockNow, jobClock } from '../../core/clock.js';
import type { CancelEvent } from '../../core/events.js';
import { initialJobContext, type JobContext, type JobInput } from '../../core/context.js';
import { jobActions } from '../../core/actions.js';
import { jobGuards } from '../../core/guards.js';
import { providerCallOf, requestActor } from '../../core/request-actor.js';
import type { JobOutcome } from '../../core/outcome.js';
import { withSnapshotVersion } from '../../core/persist.js';
import type { RestoreSpec } from '../../core/restore.js';
import { endStates, jobClockInvoke, pollerStates, startingState, submitStates } from '../../core/states.js';
import {
  createPerceptisJob,
  getPerceptisStatus,
  type PerceptisAnswerEvent,
} from './client.js';
import {
  perceptisJobIdSchema,
  perceptisRequestSchema,
  type PerceptisRequest,
  type PerceptisResult,
} from './schema.js';

export type PerceptisJobInput = JobInput<PerceptisRequest, string>;
export interface PerceptisContext extends JobContext<string, PerceptisResult> {
  request: PerceptisRequest | null;
  /** Sent with every create attempt, so a retried or restored create never makes a second job. */
  idempotencyKey: string;
}
export type PerceptisOutcome = JobOutcome<PerceptisResult, string>;
type PerceptisEvent = PerceptisAnswerEvent | { type: 'timer.due'; at: number } | CancelEvent;

const perceptisRequest = requestActor<PerceptisContext>;

/** A new job's own fields: its idempotency key. */
const perceptisFields = () => ({ idempotencyKey: randomUUID() });

const perceptisSpec: RestoreSpec<PerceptisRequest> = {
  provider: 'perceptis',
  // The provider's advice: start at 2–5 s, slow down after repeated in-progress answers, never more than once a second.
  defaults: { pollIntervalMs: 2_000, pollGrowth: 1.5, maxPollIntervalMs: 15_000, minDelayMs: 1_000 },
  requestSchema: perceptisRequestSchema,
  jobIdSchema: perceptisJobIdSchema,
  needsKey: true,
  fields: { idempotencyKey: z.string().check(z.minLength(1), z.maxLength(255)) },
  initialFields: perceptisFields,
};

export const perceptisJob = withSnapshotVersion(
  setup({
    types: {
      input: {} as PerceptisJobInput,
      context: {} as PerceptisContext,
      events: {} as PerceptisEvent,
      output: {} as PerceptisOutcome,
      tags: {} as 'waiting' | 'requesting',
    },
    actors: {
      clock: jobClock,
      create: perceptisRequest((args) => createPerceptisJob(providerCallOf(args), args.context.request!, args.context.idempotencyKey)),
      status: perceptisRequest((args) => getPerceptisStatus(providerCallOf(args), args.context.jobId!)),
    },
    actions: jobActions,
    guards: jobGuards,
  }).createMachine({
    id: 'perceptis',
    context: ({ input, self }) => ({
      ...initialJobContext<PerceptisRequest, string, PerceptisResult>(input, perceptisSpec, clockNow(self.system)),
      ...perceptisFields(),
    }),
    invoke: jobClockInvoke,
    on: { CANCEL: '.cancelled' },
    initial: 'starting',
    states: {
      starting: startingState(),
      submitting: {
        ...submitStates('perceptis', 'create'),
        on: { 'submit.accepted': { target: 'polling', actions: ['recordAnswer', 'recordJobId'] } },
      },
      polling: {
        type: 'parallel',
        states: {
          provider: {
            initial: 'unknown',
            states: {
              /** Perceptis has not answered a status request yet (just created, or attached by id). */
              unknown: {},
              pending: {},
              processing: {},
            },
            on: {
              'status.pending': '.pending',
              'status.processing': '.processing',
            },
          },
          poller: pollerStates('perceptis', 'status', ['status.pending', 'status.processing']),
        },
        on: {
          'status.completed': { target: 'succeeded', actions: ['recordAnswer', 'recordResult'] },
          'status.failed': { target: 'failed', actions: 'recordAnswer' },
        },
      },
      ...endStates(),
    },
    output: ({ context }) => context.outcome!,
  }),
  perceptisSpec,
);
