/**
 * markdown2pdf.ai — PDF generation, paid per use (seed 003).
 *
 *   POST /v1/markdown            → 200 JobStatus (`path`: the status URL)  |  402 offers (L402): pay, then POST again
 *   GET  {path} = /job/{id}/status → Not Started → Processing (progress 0..1) → Done (`path`: metadata URL) | Error
 *   GET  {metadata URL} = /job/{id}/output → { url }: the PDF
 *   404 unknown job · 422 { detail: [{ loc, msg, type }] }
 *
 * The chart: `submitting`, and on 402 `paymentRequired` (tagged `needs-input`): the offers, the
 * `payment_context_token` and the `payment_request_url` are in `context.payment`; paying is the person's
 * business, and `{ type: 'PAID' }` sends the same request again (another 402 comes back here). Then `polling`,
 * with the provider's statuses in the `provider` region beside the `poller` region; on Done, `fetchingOutput`
 * reads the metadata; then one of five ends. Error ends the job at once (the official SDKs poll on until
 * their time-out).
 *
 * Time, as for every person in the loop (src/core/person.ts): while waiting for payment nothing is sent (there
 * is no "has it been paid?" call) and the overall deadline (`timeoutMs`) stands still — it counts the provider's
 * work, not the person's. `paymentTimeoutMs` (default: no limit) ends the job `timedOut` when the payment takes
 * longer, counted from the first 402 across every PAID that was answered 402 again. CANCEL ends it `cancelled`.
 */
import { assign } from 'xstate';
import * as z from 'zod/mini';
import type { PollOptions } from '../../core/options.js';
import { initialPersonWait, personTimeoutOption, personWaitFields, type PersonWaitContext } from '../../core/person.js';
import { pollingJob, type PollingJobContext, type PollingJobInput, type PollingJobOutcome } from '../../core/polling-job.js';
import { storedText } from '../../core/restore.js';
import { isSameOrigin, resolveProviderUrl } from '../../core/url.js';
import {
  createMarkdown2pdfJob,
  getMarkdown2pdfOutput,
  getMarkdown2pdfStatus,
  outputPath,
  statusPath,
  type Markdown2pdfAnswerEvent,
} from './client.js';
import {
  markdown2pdfJobIdSchema,
  markdown2pdfOfferSchema,
  markdown2pdfRequestSchema,
  type Markdown2pdfPayment,
  type Markdown2pdfRequest,
  type Markdown2pdfResult,
} from './schema.js';

export interface Markdown2pdfOptions extends PollOptions {
  /** How long a person may take to pay before the job ends `timedOut`; `Infinity` (default): no limit. */
  paymentTimeoutMs: number;
}
/** `apiKey` is not needed (and not sent): markdown2pdf is paid per use. */
export type Markdown2pdfJobInput = PollingJobInput<Markdown2pdfContext>;
export interface Markdown2pdfContext extends PollingJobContext<Markdown2pdfRequest, string, Markdown2pdfResult>, PersonWaitContext {
  options: Markdown2pdfOptions;
  /** Where to poll: the create answer's `path` joined with `baseUrl` (attached: `/job/{id}/status`). */
  statusUrl: string | null;
  /** The metadata URL the Done answer's `path` named (absent: `/job/{id}/output`). */
  outputUrl: string | null;
  /** What to pay, from the last 402; null once the job is created. */
  payment: Markdown2pdfPayment | null;
}
export type Markdown2pdfOutcome = PollingJobOutcome<Markdown2pdfContext>;
/** The person paid (or says so): send the request again. */
export interface PaidEvent {
  type: 'PAID';
}

const storedUrl = z.nullable(storedText);

export const markdown2pdfJob = pollingJob({
  id: 'markdown2pdf',
  // The official SDKs poll every 3 s.
  defaults: { pollIntervalMs: 3_000 },
  types: {} as { context: Markdown2pdfContext; events: Markdown2pdfAnswerEvent | PaidEvent; tags: 'needs-input' },
  schemas: { request: markdown2pdfRequestSchema, jobId: markdown2pdfJobIdSchema },
  needsKey: false,
  extraOptions: personTimeoutOption('paymentTimeoutMs'),
  fields: {
    ...personWaitFields,
    statusUrl: storedUrl,
    outputUrl: storedUrl,
    payment: z.nullable(
      z.strictObject({
        offers: z.array(markdown2pdfOfferSchema).check(z.maxLength(100)),
        payment_context_token: storedText,
        payment_request_url: storedText,
      }),
    ),
  },
  initialFields: () => ({ ...initialPersonWait, statusUrl: null, outputUrl: null, payment: null }),
  // Requests go to the restore input's origin only: a stored URL elsewhere is refused, as the answer naming it would be.
  check: ({ baseUrl, statusUrl, outputUrl }) => {
    const foreign = [statusUrl, outputUrl].find((url) => typeof url === 'string' && !isSameOrigin(baseUrl as string, url));
    return foreign === undefined ? null : `its URL ${JSON.stringify(foreign)} is not on the job's origin ${JSON.stringify(baseUrl)}`;
  },
  submitting: {
    accepted: ['recordCreated', 'endPersonWait'],
    on: {
      'submit.paymentRequired': {
        target: 'paymentRequired',
        actions: [
          'recordAnswer',
          'recordPayment',
          { type: 'startPersonWait', params: ({ context }: { context: Markdown2pdfContext }) => ({ timeoutMs: context.options.paymentTimeoutMs }) },
        ],
      },
    },
  },
  provider: {
    // `unknown` until markdown2pdf answers a status request (just created, or attached by id).
    states: { 'status.notStarted': 'notStarted', 'status.processing': 'processing' },
    on: {
      'status.done': { target: 'fetchingOutput', actions: ['recordAnswer', 'recordOutputUrl'] },
      // Terminal: the provider will not recover this job, so polling on would only wait for the time-out.
      'status.error': 'failed',
    },
  },
  create: (call, { request }) => createMarkdown2pdfJob(call, request),
  status: (call, { baseUrl, jobId, statusUrl }) => getMarkdown2pdfStatus(call, statusUrl ?? resolveProviderUrl(baseUrl, statusPath(jobId))),
  requests: {
    output: (call, { baseUrl, jobId, outputUrl }) => getMarkdown2pdfOutput(call, outputUrl ?? resolveProviderUrl(baseUrl, outputPath(jobId))),
  },
  actions: {
    recordPayment: assign(({ event }) => (event.type === 'submit.paymentRequired' ? { payment: event.payment } : {})),
    recordCreated: assign(({ event }) => (event.type === 'submit.accepted' ? { statusUrl: event.statusUrl, payment: null } : {})),
    recordOutputUrl: assign(({ event }) => (event.type === 'status.done' ? { outputUrl: event.outputUrl } : {})),
  },
  states: ({ polling, retriedRequest }) => ({
    /** 402: a person pays one of `context.payment.offers`, then sends PAID. Nothing is sent meanwhile. */
    paymentRequired: {
      tags: 'needs-input',
      on: {
        PAID: { target: 'submitting', actions: ['pausePersonWait', 'clearWait'] },
        'timer.due': 'timedOut',
      },
    },
    polling,
    /** The provider said Done: read the metadata its `path` names, whose `url` is the PDF. */
    fetchingOutput: {
      ...retriedRequest('output'),
      on: { 'output.ready': { target: 'succeeded', actions: ['recordAnswer', 'recordResult'] } },
    },
  }),
});
