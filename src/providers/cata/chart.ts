/**
 * Cata POS integration service — adapter-script generation (seed 002). A job with a person in it.
 *
 *   POST /api/v1/adapter-scripts/generate           { provider, topic }  → { jobId: <integer> }
 *   GET  /api/v1/adapter-scripts/jobs/{jobId}        → job.status: pending → running → completed | failed
 *        running goes through job.stage: queued → gathering → generating → testing → (retrying → generating → testing)* → done
 *        after three failed test runs: needs_clarification, with a question in job.clarification
 *   POST /api/v1/adapter-scripts/jobs/{jobId}/respond { response }  → the pipeline resumes (400: not now / not that; 404)
 *   key in `X-Api-Key` · 404 body { error: { code, message, details, field } }
 *
 * The chart: `submitting` (skipped when attaching by id), then `polling` with two regions — `provider`, Cata's
 * status and stage as states, and `poller`, what we are doing about it. `needs_clarification` leaves polling for
 * `needsClarification`: `awaitingAnswer` (tag `needs-input`, the question in `context.clarification`) until an
 * `ANSWER { text }` comes, `sendingAnswer` POSTs it to /respond, then polling resumes; a job may ask several times.
 * completed → `succeeded` ({ resultScriptId }); failed → `failed` (the pipeline's last log line / test error).
 *
 * Time: the overall deadline (`timeoutMs`) counts Cata's work only — it moves back by however long a person
 * took to answer. `answerTimeoutMs` (default: no limit) ends the job `timedOut` when a question stays unanswered
 * that long; it runs from when the question came, and a refused answer does not start it again.
 *
 * A 400 from /respond ("not awaiting clarification", or an answer Cata refuses) sends the chart to ask where the
 * job stands (one status request): still waiting → back to `awaitingAnswer` with Cata's words in
 * `context.answerProblem`; already running → the answer did land, polling goes on.
 *
 * An answer is applied once: a job restored in `sendingAnswer` (persisted while its answer may have been on its way,
 * as a runner stores it before the request leaves) does not send it again blind. It resumes in `polling` with the
 * answer kept in `context.answer` and asks where the job stands first: still at the question with another answer
 * than ours recorded → the answer did not arrive, it is sent; anything else → it did, polling goes on.
 *
 * Cata documents no idempotency key for the create: a second POST makes a second job. So a create that may have made
 * a job (timed out, connection dropped, a 2xx body we cannot read, restored while out) is not sent again; the chart
 * ends rejected / unconfirmed with `unconfirmedCreate` (the job may exist). 5xx, 429 and connections never made are
 * retried. Option `resendUnconfirmedCreates` sends them again.
 */
import { assign } from 'xstate';
import * as z from 'zod/mini';
import type { PollOptions } from '../../core/options.js';
import { initialPersonWait, personTimeoutOption, personWaitFields, type PersonWaitContext } from '../../core/person.js';
import { pollingJob, type PollingJobContext, type PollingJobInput, type PollingJobOutcome } from '../../core/polling-job.js';
import { storedCount, storedText } from '../../core/restore.js';
import { createCataJob, getCataStatus, respondToCata, type CataAnswerEvent, type CataJobDetails } from './client.js';
import {
  cataJobIdSchema,
  cataStageValues,
  cataRequestSchema,
  cataLogEntrySchema,
  cataTestResultSchema,
  type CataLogEntry,
  type CataRequest,
  type CataResult,
  type CataTestResult,
} from './schema.js';

export interface CataOptions extends PollOptions {
  /** How long a question may stay unanswered before the job ends `timedOut`; `Infinity` (default): no limit. */
  answerTimeoutMs: number;
}

export type CataJobInput = PollingJobInput<CataContext>;

export interface CataContext extends PollingJobContext<CataRequest, number, CataResult>, PersonWaitContext {
  options: CataOptions;
  /** The current script draft. */
  hypothesis: string | null;
  testResults: CataTestResult[];
  /** Cata's own retry count of generate → test (max 3). Not `retries`: that is ours, consecutive transient failures. */
  pipelineRetries: number;
  logs: CataLogEntry[];
  /** Cata's question, while the job needs clarification. */
  clarification: string | null;
  /** The answer Cata recorded last. */
  humanResponse: string | null;
  /** The answer being sent to /respond. */
  answer: string | null;
  /** Why the last answer was not taken, in Cata's words; null once an answer is taken. */
  answerProblem: string | null;
}

export type CataOutcome = PollingJobOutcome<CataContext>;
export type AnswerEvent = { type: 'ANSWER'; text: string };

/** `ANSWER`'s `text` must be a string (an empty one is sent: Cata says why it refuses it). */
const NOT_TEXT = 'ANSWER needs `text`: the answer to the question, as a string';

const orNull = (schema: typeof storedText) => z.nullable(schema);

export const cataJob = pollingJob({
  id: 'cata',
  // Not documented: a few seconds, slowing down a little; the pipeline takes tens of seconds.
  defaults: { pollIntervalMs: 2_000, pollGrowth: 1.25, maxPollIntervalMs: 10_000 },
  // No idempotency key: a create that may have made a job is never sent again (see UnconfirmedCreate).
  idempotentCreate: false,
  types: {} as { context: CataContext; events: CataAnswerEvent | AnswerEvent; tags: 'needs-input' },
  schemas: { request: cataRequestSchema, jobId: cataJobIdSchema },
  extraOptions: personTimeoutOption('answerTimeoutMs'),
  fields: {
    ...personWaitFields,
    hypothesis: orNull(storedText),
    testResults: z.array(cataTestResultSchema).check(z.maxLength(1_000)),
    pipelineRetries: storedCount,
    logs: z.array(cataLogEntrySchema).check(z.maxLength(10_000)),
    clarification: orNull(storedText),
    humanResponse: orNull(storedText),
    answer: orNull(storedText),
    answerProblem: orNull(storedText),
  },
  initialFields: () => ({
    ...initialPersonWait,
    hypothesis: null,
    testResults: [],
    pipelineRetries: 0,
    logs: [],
    clarification: null,
    humanResponse: null,
    answer: null,
    answerProblem: null,
  }),
  // Restored while its answer may have been out: read the status before sending it again (see the header).
  resumeInsteadOf: { 'cata.needsClarification.sendingAnswer': { polling: { provider: 'unknown', poller: 'requesting' } } },
  provider: {
    // `unknown` until Cata answers a status request (just created, attached, or just answered); `running` goes
    // through Cata's stages.
    states: {
      'status.pending': 'pending',
      ...Object.fromEntries(cataStageValues.map((stage) => [`status.running.${stage}`, `running.${stage}`])),
    },
    // A status other than needs_clarification: any question is behind us.
    actions: ['recordJob', 'closeQuestion', 'endPersonWait'],
    on: {
      'status.needs_clarification': [
        { guard: 'answerDidNotArrive', target: 'needsClarification.sendingAnswer', actions: ['recordAnswer', 'recordJob'] },
        {
          target: 'needsClarification',
          actions: [
            'recordAnswer',
            'answerArrived',
            'recordJob',
            { type: 'startPersonWait', params: ({ context }: { context: CataContext }) => ({ timeoutMs: context.options.answerTimeoutMs }) },
          ],
        },
      ],
      'status.completed': 'succeeded',
      'status.failed': 'failed',
    },
  },
  create: (call, { request }) => createCataJob(call, request),
  status: (call, { jobId }) => getCataStatus(call, jobId),
  requests: { respond: (call, { jobId, answer }) => respondToCata(call, jobId, answer ?? '') },
  actions: {
    /** What the last status said about the pipeline. */
    recordJob: assign(({ event }) => {
      const job = (event as Extract<CataAnswerEvent, { job: CataJobDetails }>).job;
      return {
        hypothesis: job.hypothesis,
        testResults: job.testResults,
        pipelineRetries: job.retries,
        logs: job.logs,
        clarification: job.clarification,
        humanResponse: job.humanResponse,
      };
    }),
    takeAnswer: assign(({ event }) => ({ answer: (event as AnswerEvent).text })),
    refuseAnswer: assign({ answerProblem: NOT_TEXT }),
    /** Cata refused the answer: keep its words for the person. */
    answerRefused: assign(({ event }) => ({ answerProblem: (event as { message: string }).message, answer: null })),
    /** The question is behind us: the answer was taken, or the job went on without it. */
    closeQuestion: assign(({ context }) => ({
      humanResponse: context.answer ?? context.humanResponse,
      answer: null,
      answerProblem: null,
    })),
    /**
     * Restored while an answer was out (see the header), Cata asks again having recorded it: that answer is behind us,
     * and this is a new question with a limit of its own. Nothing to do when no answer was out.
     */
    answerArrived: assign(({ context }) =>
      context.answer === null ? {} : { humanResponse: context.answer, answer: null, personWaitSince: null, personDeadlineAt: null },
    ),
    /** A new round of the pipeline: the poll interval starts short again. */
    resetPolls: assign({ polls: 0 }),
  },
  guards: {
    answerIsText: ({ event }) => typeof (event as Partial<AnswerEvent>).text === 'string',
    /** Restored while the answer was out (see the header), Cata still asks and has not recorded it: it did not arrive. */
    answerDidNotArrive: ({ context, event }) =>
      context.answer !== null && (event as Extract<CataAnswerEvent, { job: CataJobDetails }>).job.humanResponse !== context.answer,
  },
  states: ({ at, requesting, waiting }) => ({
    /** Cata's `needs_clarification`: nothing is polled until a person answers. */
    needsClarification: {
      initial: 'awaitingAnswer',
      states: {
        awaitingAnswer: {
          tags: 'needs-input',
          on: {
            ANSWER: [
              { guard: 'answerIsText', target: 'sendingAnswer', actions: ['takeAnswer', 'pausePersonWait'] },
              { actions: 'refuseAnswer' },
            ],
            'timer.due': at('timedOut'),
          },
        },
        sendingAnswer: requesting('respond', {
          'respond.accepted': { target: at('polling'), actions: ['recordAnswer', 'closeQuestion', 'endPersonWait', 'resetPolls'] },
          // Refused: ask where the job stands (see the header) rather than assume it still waits.
          'http.invalid': { target: at('polling'), actions: ['recordAnswer', 'answerRefused'] },
        }),
        backingOff: waiting('sendingAnswer'),
        retrying: waiting('sendingAnswer'),
      },
    },
  }),
});
