/**
 * Depicta — multi-scene story generation (seed 001).
 *
 *   POST /v1/generate/story   { model, characters (1..10), scenes, … }  → 202 { job_id, poll_url } + X-Depicta-Job-Id
 *   GET  /v1/jobs/{id}        → pending → processing (scenes_completed / scenes_total) → completed (result) | failed (error)
 *   400 bad_request · 401 auth_invalid · 402 credit_insufficient · 403 content_rejected | auth_email_not_verified |
 *   account_suspended · 404 not_found · 409 · 413 payload_too_large · 422 model_not_capable · 429 rate_limited
 *   (10 requests in flight per key, Retry-After) · 451 · 500 internal_error · 502 · 503
 *
 * Progress is `scenes_completed / scenes_total`, in `context.progress`. The scene image URLs are signed for one hour:
 * attach to the job again (`input.jobId`) for fresh ones. Accepted jobs cannot be cancelled at Depicta: `CANCEL` stops
 * only our polling. Depicta documents no idempotency key, and charges per story: a create is never sent twice when
 * the first may have made a job. A 2xx create answer whose body cannot be read is taken when its X-Depicta-Job-Id
 * header names the job (the client); without it, and when the create timed out or its connection dropped, or the job
 * was restored while the create was out, the chart ends rejected / unconfirmed with `unconfirmedCreate` (the job may
 * exist). 5xx, 429 and connections never made are retried. Option `resendUnconfirmedCreates` sends them again.
 */
import { setup } from 'xstate';
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
import { createDepictaJob, getDepictaStatus, type DepictaAnswerEvent } from './client.js';
import { depictaJobIdSchema, depictaRequestSchema, type DepictaRequest, type DepictaResult } from './schema.js';

export type DepictaJobInput = JobInput<DepictaRequest, string>;
export interface DepictaContext extends JobContext<string, DepictaResult> {
  request: DepictaRequest | null;
}
export type DepictaOutcome = JobOutcome<DepictaResult, string>;
type DepictaEvent = DepictaAnswerEvent | { type: 'timer.due'; at: number } | CancelEvent;

const depictaRequest = requestActor<DepictaContext>;

const depictaSpec: RestoreSpec<DepictaRequest> = {
  provider: 'depicta',
  // Depicta's own CLI and examples poll every 3 s.
  defaults: { pollIntervalMs: 3_000, pollGrowth: 1, maxPollIntervalMs: 30_000 },
  requestSchema: depictaRequestSchema,
  jobIdSchema: depictaJobIdSchema,
  needsKey: true,
  // No idempotency key: a create that may have made a job is never sent again (see UnconfirmedCreate).
  idempotentCreate: false,
};

export const depictaJob = withSnapshotVersion(
  setup({
    types: {
      input: {} as DepictaJobInput,
      context: {} as DepictaContext,
      events: {} as DepictaEvent,
      output: {} as DepictaOutcome,
      tags: {} as 'waiting' | 'requesting',
    },
    actors: {
      clock: jobClock,
      create: depictaRequest((args) => createDepictaJob(providerCallOf(args), args.context.request!)),
      status: depictaRequest((args) => getDepictaStatus(providerCallOf(args), args.context.jobId!)),
    },
    actions: jobActions,
    guards: jobGuards,
  }).createMachine({
    id: 'depicta',
    context: ({ input, self }) => initialJobContext<DepictaRequest, string, DepictaResult>(input, depictaSpec, clockNow(self.system)),
    invoke: jobClockInvoke,
    on: { CANCEL: '.cancelled' },
    initial: 'starting',
    states: {
      starting: startingState(),
      submitting: {
        ...submitStates('depicta', 'create', { idempotent: depictaSpec.idempotentCreate }),
        on: { 'submit.accepted': { target: 'polling', actions: ['recordAnswer', 'recordJobId'] } },
      },
      polling: {
        type: 'parallel',
        states: {
          provider: {
            initial: 'unknown',
            states: {
              /** Depicta has not answered a status request yet (just accepted, or attached by id). */
              unknown: {},
              /** Queued: no scene started. */
              pending: {},
              /** Drawing the character portraits, then the scenes one by one. */
              processing: {},
            },
            on: {
              'status.pending': '.pending',
              'status.processing': '.processing',
            },
          },
          poller: pollerStates('depicta', 'status', ['status.pending', 'status.processing']),
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
  depictaSpec,
);
