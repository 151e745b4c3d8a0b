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
import { pollingJob, type PollingJobContext, type PollingJobInput, type PollingJobOutcome } from '../../core/polling-job.js';
import { createDepictaJob, getDepictaStatus, type DepictaAnswerEvent } from './client.js';
import { depictaJobIdSchema, depictaRequestSchema, type DepictaRequest, type DepictaResult } from './schema.js';

export type DepictaContext = PollingJobContext<DepictaRequest, string, DepictaResult>;
export type DepictaJobInput = PollingJobInput<DepictaContext>;
export type DepictaOutcome = PollingJobOutcome<DepictaContext>;

export const depictaJob = pollingJob({
  id: 'depicta',
  // Depicta's own CLI and examples poll every 3 s.
  defaults: { pollIntervalMs: 3_000, pollGrowth: 1, maxPollIntervalMs: 30_000 },
  // No idempotency key: a create that may have made a job is never sent again (see UnconfirmedCreate).
  idempotentCreate: false,
  types: {} as { context: DepictaContext; events: DepictaAnswerEvent },
  schemas: { request: depictaRequestSchema, jobId: depictaJobIdSchema },
  provider: {
    // `unknown` until Depicta answers a status request (just accepted, or attached by id). `pending`: queued, no
    // scene started; `processing`: drawing the character portraits, then the scenes one by one.
    states: { 'status.pending': 'pending', 'status.processing': 'processing' },
    on: { 'status.completed': 'succeeded', 'status.failed': 'failed' },
  },
  create: (call, { request }) => createDepictaJob(call, request),
  status: (call, { jobId }) => getDepictaStatus(call, jobId),
});
