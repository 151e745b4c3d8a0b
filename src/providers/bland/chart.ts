/**
 * Bland AI — conversational pathway generation (seed 000).
 *
 *   POST /v1/pathway/generate                    { input_prompt (100..8000 chars), input_name? } → { data: { jobId } }
 *   GET  /v1/pathway/generate/status/{job_id}    → { data: { ready: false } } … → { data: { ready: true, pathway_id } }
 *                                                                              or { data: { ready: true, error } }
 *   any refusal                                  → { data: null, errors: [{ error, message }] }, e.g. "Job not found"
 *
 * The POST only queues the job: Bland starts generating on the first status request, so polling starts at once.
 * Bland reports no progress and no stages: one `generating` state until it is ready.
 * Bland documents no idempotency key: a create that may have made a job (timed out, connection dropped, a 2xx body
 * we cannot read, restored while out) is not sent again; the chart ends rejected / unconfirmed with
 * `unconfirmedCreate` (the job may exist). 5xx, 429 and connections never made are retried. Option
 * `resendUnconfirmedCreates` sends them again.
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
import { createBlandJob, getBlandStatus, type BlandAnswerEvent } from './client.js';
import { blandJobIdSchema, blandRequestSchema, type BlandRequest, type BlandResult } from './schema.js';

export type BlandJobInput = JobInput<BlandRequest, string>;
export interface BlandContext extends JobContext<string, BlandResult> {
  request: BlandRequest | null;
}
export type BlandOutcome = JobOutcome<BlandResult, string>;
type BlandEvent = BlandAnswerEvent | { type: 'timer.due'; at: number } | CancelEvent;

const blandRequest = requestActor<BlandContext>;

const blandSpec: RestoreSpec<BlandRequest> = {
  provider: 'bland',
  // Not documented by Bland. A pathway takes tens of seconds to generate: ask every 3 s, slowing to 20 s
  // on long generations, and never more than once a second.
  defaults: { pollIntervalMs: 3_000, pollGrowth: 1.5, maxPollIntervalMs: 20_000, minDelayMs: 1_000 },
  requestSchema: blandRequestSchema,
  jobIdSchema: blandJobIdSchema,
  needsKey: true,
  // No idempotency key: a create that may have made a job is never sent again (see UnconfirmedCreate).
  idempotentCreate: false,
};

export const blandJob = withSnapshotVersion(
  setup({
    types: {
      input: {} as BlandJobInput,
      context: {} as BlandContext,
      events: {} as BlandEvent,
      output: {} as BlandOutcome,
      tags: {} as 'waiting' | 'requesting',
    },
    actors: {
      clock: jobClock,
      create: blandRequest((args) => createBlandJob(providerCallOf(args), args.context.request!)),
      status: blandRequest((args) => getBlandStatus(providerCallOf(args), args.context.jobId!)),
    },
    actions: jobActions,
    guards: jobGuards,
  }).createMachine({
    id: 'bland',
    context: ({ input, self }) => initialJobContext<BlandRequest, string, BlandResult>(input, blandSpec, clockNow(self.system)),
    invoke: jobClockInvoke,
    on: { CANCEL: '.cancelled' },
    initial: 'starting',
    states: {
      starting: startingState(),
      submitting: {
        ...submitStates('bland', 'create', { idempotent: blandSpec.idempotentCreate }),
        on: { 'submit.accepted': { target: 'polling', actions: ['recordAnswer', 'recordJobId'] } },
      },
      polling: {
        type: 'parallel',
        states: {
          provider: {
            initial: 'unknown',
            states: {
              /** Bland has not answered a status request yet (just queued, or attached by id). */
              unknown: {},
              /** `ready: false`. */
              generating: {},
            },
            on: { 'status.notReady': '.generating' },
          },
          poller: pollerStates('bland', 'status', ['status.notReady']),
        },
        on: {
          'status.ready': { target: 'succeeded', actions: ['recordAnswer', 'recordResult'] },
          'status.failed': { target: 'failed', actions: 'recordAnswer' },
        },
      },
      ...endStates(),
    },
    output: ({ context }) => context.outcome!,
  }),
  blandSpec,
);
