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
 * While waiting for payment nothing is sent (there is no "has it been paid?" call). CANCEL ends the job
 * `cancelled`; the overall deadline (`timeoutMs`, counted from the start) keeps running, and when it passes
 * the job ends `timedOut` with no job created: give a person more time with a larger `timeoutMs`.
 */
import { assign, setup } from 'xstate';
import { clockNow, durableTimer } from '../src/core/clock.js';
import type { CancelEvent } from '../src/core/events.js';
import {
  abortSignalListener,
  initialJobContext,
  jobActions,
  jobGuards,
  providerCallOf,
  requestActor,
  type JobContext,
  type JobInput,
} from '../src/core/job.js';
import type { JobOutcome } from '../src/core/outcome.js';
import { withSnapshotVersion } from '../src/core/persist.js';
import { pollerStates, retriedRequestStates, submitStates } from '../src/core/states.js';
import { resolveProviderUrl } from '../src/core/url.js';
import {
  createMarkdown2pdfJob,
  getMarkdown2pdfOutput,
  getMarkdown2pdfStatus,
  outputPath,
  statusPath,
  type Markdown2pdfAnswerEvent,
} from '../src/providers/markdown2pdf/client.js';
import {
  markdown2pdfJobIdSchema,
  markdown2pdfRequestSchema,
  type Markdown2pdfPayment,
  type Markdown2pdfRequest,
  type Markdown2pdfResult,
} from '../src/providers/markdown2pdf/schema.js';

/** `apiKey` is not needed (and not sent): markdown2pdf is paid per use. */
export type Markdown2pdfJobInput = JobInput<Markdown2pdfRequest, string>;
export interface Markdown2pdfContext extends JobContext<string, Markdown2pdfResult> {
  request: Markdown2pdfRequest | null;
  /** Where to poll: the create answer's `path` joined with `baseUrl` (attached: `/job/{id}/status`). */
  statusUrl: string | null;
  /** The metadata URL the Done answer's `path` named (absent: `/job/{id}/output`). */
  outputUrl: string | null;
  /** What to pay, from the last 402; null once the job is created. */
  payment: Markdown2pdfPayment | null;
}
export type Markdown2pdfOutcome = JobOutcome<Markdown2pdfResult, string>;
/** The person paid (or says so): send the request again. */
export interface PaidEvent {
  type: 'PAID';
}
type Markdown2pdfEvent = Markdown2pdfAnswerEvent | { type: 'timer.due'; at: number } | CancelEvent | PaidEvent;

/** A timer input that never comes due (JSON-safe, unlike Infinity: timer inputs are persisted). */
const NEVER = Number.MAX_SAFE_INTEGER;

const markdown2pdfRequest = requestActor<Markdown2pdfContext>;

export const markdown2pdfJob = withSnapshotVersion(
  setup({
    types: {
      input: {} as Markdown2pdfJobInput,
      context: {} as Markdown2pdfContext,
      events: {} as Markdown2pdfEvent,
      output: {} as Markdown2pdfOutcome,
      tags: {} as 'waiting' | 'requesting' | 'needs-input',
    },
    actors: {
      timer: durableTimer,
      abortSignal: abortSignalListener,
      create: markdown2pdfRequest((args) => createMarkdown2pdfJob(providerCallOf(args), args.context.request!)),
      status: markdown2pdfRequest(({ context, ...args }) =>
        getMarkdown2pdfStatus(
          providerCallOf({ context, ...args }),
          context.statusUrl ?? resolveProviderUrl(context.baseUrl, statusPath(context.jobId!)),
        ),
      ),
      output: markdown2pdfRequest(({ context, ...args }) =>
        getMarkdown2pdfOutput(
          providerCallOf({ context, ...args }),
          context.outputUrl ?? resolveProviderUrl(context.baseUrl, outputPath(context.jobId!)),
        ),
      ),
    },
    actions: {
      ...jobActions,
      recordPayment: assign(({ event }) => (event.type === 'submit.paymentRequired' ? { payment: event.payment } : {})),
      /** The person has until the overall deadline: that is when this wait ends. */
      awaitPayment: assign(({ context }) => ({ wakeAt: context.deadlineAt, waitReason: null })),
      recordCreated: assign(({ event }) => (event.type === 'submit.accepted' ? { statusUrl: event.statusUrl, payment: null } : {})),
      recordOutputUrl: assign(({ event }) => (event.type === 'status.done' ? { outputUrl: event.outputUrl } : {})),
    },
    guards: jobGuards,
  }).createMachine({
    id: 'markdown2pdf',
    context: ({ input, self }) => ({
      ...initialJobContext<Markdown2pdfRequest, string, Markdown2pdfResult>(
        input,
        {
          provider: 'markdown2pdf',
          // The official SDKs poll every 3 s.
          defaults: { pollIntervalMs: 3_000 },
          requestSchema: markdown2pdfRequestSchema,
          jobIdSchema: markdown2pdfJobIdSchema,
          needsKey: false,
        },
        clockNow(self.system),
      ),
      statusUrl: null,
      outputUrl: null,
      payment: null,
    }),
    invoke: { src: 'abortSignal' },
    on: { CANCEL: '.cancelled' },
    initial: 'starting',
    states: {
      starting: {
        always: [
          { guard: 'hasInputProblem', target: 'rejected' },
          { guard: 'isAttach', target: 'polling' },
          { target: 'submitting' },
        ],
      },
      submitting: {
        ...submitStates('markdown2pdf', 'create'),
        on: {
          'submit.accepted': { target: 'polling', actions: ['recordAnswer', 'recordJobId', 'recordCreated'] },
          'submit.paymentRequired': { target: 'paymentRequired', actions: ['recordAnswer', 'recordPayment', 'awaitPayment'] },
        },
      },
      /** 402: a person pays one of `context.payment.offers`, then sends PAID. Nothing is sent meanwhile. */
      paymentRequired: {
        tags: 'needs-input',
        invoke: { src: 'timer', input: ({ context }) => ({ at: context.deadlineAt ?? NEVER }) },
        on: {
          PAID: { target: 'submitting', actions: 'clearWait' },
          'timer.due': 'timedOut',
        },
      },
      polling: {
        type: 'parallel',
        states: {
          provider: {
            initial: 'unknown',
            states: {
              /** markdown2pdf has not answered a status request yet (just created, or attached by id). */
              unknown: {},
              notStarted: {},
              processing: {},
            },
            on: {
              'status.notStarted': '.notStarted',
              'status.processing': '.processing',
            },
          },
          poller: pollerStates('markdown2pdf', 'status', ['status.notStarted', 'status.processing']),
        },
        on: {
          'status.done': { target: 'fetchingOutput', actions: ['recordAnswer', 'recordOutputUrl'] },
          // Terminal: the provider will not recover this job, so polling on would only wait for the time-out.
          'status.error': { target: 'failed', actions: 'recordAnswer' },
        },
      },
      /** The provider said Done: read the metadata its `path` names, whose `url` is the PDF. */
      fetchingOutput: {
        ...retriedRequestStates('markdown2pdf', 'output'),
        on: { 'output.ready': { target: 'succeeded', actions: ['recordAnswer', 'recordResult'] } },
      },
      succeeded: { type: 'final', entry: 'endSucceeded' },
      failed: { type: 'final', entry: 'endFailed' },
      rejected: { type: 'final', entry: 'endRejected' },
      timedOut: { type: 'final', entry: 'endTimedOut' },
      cancelled: { type: 'final', entry: 'endCancelled' },
    },
    output: ({ context }) => context.outcome!,
  }),
);
