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
import { pollingJob, type PollingJobContext, type PollingJobInput, type PollingJobOutcome } from '../../core/polling-job.js';
import { createBlandJob, getBlandStatus, type BlandAnswerEvent } from './client.js';
import { blandJobIdSchema, blandRequestSchema, type BlandRequest, type BlandResult } from './schema.js';

export type BlandContext = PollingJobContext<BlandRequest, string, BlandResult>;
export type BlandJobInput = PollingJobInput<BlandContext>;
export type BlandOutcome = PollingJobOutcome<BlandContext>;

export const blandJob = pollingJob({
  id: 'bland',
  // Not documented by Bland. A pathway takes tens of seconds to generate: ask every 3 s, slowing to 20 s
  // on long generations, and never more than once a second.
  defaults: { pollIntervalMs: 3_000, pollGrowth: 1.5, maxPollIntervalMs: 20_000, minDelayMs: 1_000 },
  // No idempotency key: a create that may have made a job is never sent again (see UnconfirmedCreate).
  idempotentCreate: false,
  types: {} as { context: BlandContext; events: BlandAnswerEvent },
  schemas: { request: blandRequestSchema, jobId: blandJobIdSchema },
  provider: {
    // `unknown` until Bland answers a status request (just queued, or attached by id); `ready: false` is `generating`.
    states: { 'status.notReady': 'generating' },
    on: { 'status.ready': 'succeeded', 'status.failed': 'failed' },
  },
  create: (call, { request }) => createBlandJob(call, request),
  status: (call, { jobId }) => getBlandStatus(call, jobId),
});
