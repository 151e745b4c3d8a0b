/**
 * Acme Transcribe — a made-up speech-to-text API that jobcharts does not ship, brought in by an app.
 *
 *   POST /v1/jobs        { audio_url, language? }   → 201 { id }
 *   GET  /v1/jobs/{id}   → { status: 'queued' } → { status: 'running', percent } → { status: 'done', transcript_url }
 *                                                                                or { status: 'error', message }
 *   a refusal            → { code, message }: 400 bad request · 401 bad key · 404 unknown job · 429 + Retry-After
 *
 * The chart: `pollingJob` gives it the whole machinery (submit, poll, back off on 429, retry, the key's rate budget,
 * time-outs, cancel, restore); this file says only what is Acme's: its requests, its statuses, its result.
 * It imports nothing Node-only: a browser app can run it.
 */
import * as z from 'zod/mini';
import { jsonCall, pollingJob, type PollingJobContext, type PollingJobInput, type PollingJobOutcome, type ProviderCall } from 'jobcharts';

export const acmeRequestSchema = z.object({
  audio_url: z.string().check(z.minLength(1, 'audio_url must not be empty')),
  language: z.optional(z.string()),
});
export type AcmeRequest = z.infer<typeof acmeRequestSchema>;
export interface AcmeResult {
  transcriptUrl: string;
}

export type AcmeContext = PollingJobContext<AcmeRequest, string, AcmeResult>;
export type AcmeJobInput = PollingJobInput<AcmeContext>;
export type AcmeOutcome = PollingJobOutcome<AcmeContext>;

/** What Acme's answers become: the chart's events. */
export type AcmeEvent =
  | { type: 'submit.accepted'; jobId: string }
  | { type: 'status.queued' }
  | { type: 'status.running'; progress: number }
  | { type: 'status.done'; progress: 1; result: AcmeResult }
  | { type: 'status.error'; error: { message: string } };

const created = z.object({ id: z.string() });
const status = z.discriminatedUnion('status', [
  z.object({ status: z.literal('queued') }),
  z.object({ status: z.literal('running'), percent: z.number() }),
  z.object({ status: z.literal('done'), transcript_url: z.string() }),
  z.object({ status: z.literal('error'), message: z.string() }),
]);
/** Acme's own words in a refusal. */
const words = (body: unknown) => {
  const { code, message } = (body ?? {}) as { code?: unknown; message?: unknown };
  return { ...(typeof code === 'string' ? { code } : {}), ...(typeof message === 'string' ? { message } : {}) };
};
const headers = (call: ProviderCall) => ({ authorization: `Bearer ${call.apiKey}` });

export const acmeJob = pollingJob({
  id: 'acme',
  // Acme's advice: every 2 s, slowing to 10 s on long files.
  defaults: { pollIntervalMs: 2_000, pollGrowth: 1.5, maxPollIntervalMs: 10_000 },
  types: {} as { context: AcmeContext; events: AcmeEvent },
  schemas: { request: acmeRequestSchema, jobId: z.string().check(z.minLength(1)) },
  // Acme has no idempotency key: a create that may have made a job is not sent twice.
  idempotentCreate: false,
  provider: {
    states: { 'status.queued': 'queued', 'status.running': 'running' },
    on: { 'status.done': 'succeeded', 'status.error': 'failed' },
  },
  create: (call, { request }) =>
    jsonCall({
      request: { url: `${call.baseUrl}/v1/jobs`, method: 'POST', headers: headers(call), json: request },
      schema: created,
      words,
      answer: (body) => ({ type: 'submit.accepted', jobId: body.id }),
    }),
  status: (call, { jobId }) =>
    jsonCall({
      request: { url: `${call.baseUrl}/v1/jobs/${encodeURIComponent(jobId)}`, method: 'GET', headers: headers(call) },
      schema: status,
      words,
      answer: (body): AcmeEvent => {
        switch (body.status) {
          case 'queued':
            return { type: 'status.queued' };
          case 'running':
            return { type: 'status.running', progress: Math.min(1, Math.max(0, body.percent / 100)) };
          case 'done':
            return { type: 'status.done', progress: 1, result: { transcriptUrl: body.transcript_url } };
          case 'error':
            return { type: 'status.error', error: { message: body.message } };
        }
      },
    }),
});
