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
import * as z from 'zod/mini';
import { randomUUID } from '../../core/random.js';
import { pollingJob, type PollingJobContext, type PollingJobInput, type PollingJobOutcome } from '../../core/polling-job.js';
import { createPerceptisJob, getPerceptisStatus, type PerceptisAnswerEvent } from './client.js';
import { perceptisJobIdSchema, perceptisRequestSchema, type PerceptisRequest, type PerceptisResult } from './schema.js';

export interface PerceptisContext extends PollingJobContext<PerceptisRequest, string, PerceptisResult> {
  /** Sent with every create attempt, so a retried or restored create never makes a second job. */
  idempotencyKey: string;
}
export type PerceptisJobInput = PollingJobInput<PerceptisContext>;
export type PerceptisOutcome = PollingJobOutcome<PerceptisContext>;

export const perceptisJob = pollingJob({
  id: 'perceptis',
  // The provider's advice: start at 2–5 s, slow down after repeated in-progress answers, never more than once a second.
  defaults: { pollIntervalMs: 2_000, pollGrowth: 1.5, maxPollIntervalMs: 15_000, minDelayMs: 1_000 },
  types: {} as { context: PerceptisContext; events: PerceptisAnswerEvent },
  schemas: { request: perceptisRequestSchema, jobId: perceptisJobIdSchema },
  fields: { idempotencyKey: z.string().check(z.minLength(1), z.maxLength(255)) },
  initialFields: () => ({ idempotencyKey: randomUUID() }),
  provider: {
    // `unknown` until Perceptis answers a status request (just created, or attached by id).
    states: { 'status.pending': 'pending', 'status.processing': 'processing' },
    on: { 'status.completed': 'succeeded', 'status.failed': 'failed' },
  },
  create: (call, { request, idempotencyKey }) => createPerceptisJob(call, request, idempotencyKey),
  status: (call, { jobId }) => getPerceptisStatus(call, jobId),
});
