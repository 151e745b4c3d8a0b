/**
 * The poller's own states, shared by every chart: `requesting` one answer, `waiting` for the next poll,
 * `backingOff` after a 429, `retrying` after a transient failure, and `waitingForBudget` (only when the key has a
 * shared rate budget, see budget.ts). Each wait ends at an absolute time, `context.wakeAt`, when the job's clock
 * (clock.ts, invoked at the root of every chart) sends `timer.due`.
 * A chart places them in its own lifecycle with these builders.
 */
import { budgetActor } from './budget-actor.js';

/**
 * A state config built outside a chart's `setup()`: XState cannot check names of shared actions, guards and
 * actors across that boundary, so the builders return it untyped; the model-based tests walk every one of them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StateConfig = any;

/** What every request state does with a failure: wait as told after a 429, retry transient ones, end on refusals. */
export function failureTransitions(chartId: string) {
  return {
    'http.rateLimited': [
      { guard: 'retryAfterTooLong', target: `#${chartId}.rejected` },
      { guard: 'retryAfterBeyondDeadline', target: `#${chartId}.timedOut` },
      { target: 'backingOff', actions: 'scheduleRateLimitWait' },
    ],
    'http.transient': [
      { guard: 'retryBudgetSpent', target: `#${chartId}.rejected` },
      { target: 'retrying', actions: 'scheduleRetry' },
    ],
    ...rejectionTransitions(chartId),
  } as const;
}

/** Refusals end the job: our request was refused, and asking again would get the same answer. */
export function rejectionTransitions(chartId: string) {
  const target = `#${chartId}.rejected`;
  return {
    'http.unauthorized': target,
    'http.forbidden': target,
    'http.notFound': target,
    'http.payment': target,
    'http.invalid': target,
  } as const;
}

/** One request in flight; `actor` sends back one named event. */
export function requestingState(chartId: string, actor: string): StateConfig {
  return {
    meta: { jobcharts: { step: 'request', summary: `requests ${actor} · retries · backs off on 429` } },
    tags: 'requesting',
    entry: 'countRequest',
    invoke: { src: actor, input: ({ context }: { context: unknown }) => ({ context }) },
    on: failureTransitions(chartId),
  } as const;
}

/**
 * A wait until `context.wakeAt` (the job's clock sends `timer.due` then), then back to `requesting`; past the overall
 * deadline the job times out instead.
 * `viaBudget`: the wait's siblings include {@link budgetState}, which the next request passes when the key has a budget.
 */
export function waitState(chartId: string, then = 'requesting', viaBudget = false): StateConfig {
  return {
    meta: { jobcharts: { step: 'wait' } },
    tags: 'waiting',
    always: { guard: 'pastDeadline', target: `#${chartId}.timedOut` },
    // Entering `requesting` clears the wait (`countRequest`); the budget state sets one of its own.
    on: { 'timer.due': viaBudget ? toRequest(then, 'clearWait') : then },
  } as const;
}

/**
 * The way to the next request: through `waitingForBudget` when the key has a shared rate budget (configured or
 * learnt from 429s), straight to `then` otherwise — without a budget a job never enters the budget state.
 */
function toRequest(then: string, budgetActions?: string) {
  return [{ guard: 'needsBudget', target: 'waitingForBudget', ...(budgetActions ? { actions: budgetActions } : {}) }, { target: then }];
}

/** Where a request region starts: no state of its own, it only picks the way to the first request. */
function readyState(then = 'requesting'): StateConfig {
  return { always: toRequest(then) } as const;
}

/**
 * Waiting for the key's shared rate budget before a request: `queued` while every concurrent request the key
 * allows is in flight, `paced` until the moment the key's request rate allows (`context.wakeAt`, tagged `waiting`).
 */
export function budgetState(chartId: string, then = 'requesting'): StateConfig {
  return {
    initial: 'queued',
    invoke: { src: budgetActor, input: ({ context }: { context: unknown }) => ({ context }) },
    on: {
      'budget.queued': { target: '.queued', actions: 'clearWait' },
      'budget.paced': { target: '.paced', actions: 'scheduleBudgetWait' },
      'budget.granted': [
        { guard: 'pastDeadline', target: `#${chartId}.timedOut` },
        { target: then },
      ],
    },
    states: {
      queued: {},
      paced: { tags: 'waiting' },
    },
  } as const;
}

export interface SubmitOptions {
  /**
   * Whether sending the create again is safe (default true): the provider finds the job the first one made
   * (an idempotency key, or the same job by nature). When not, a create that may have reached the provider without
   * an answer saying so (time-out, reset, a 2xx body we could not read) ends the job rejected / unconfirmed instead
   * of being sent again, since the job may exist there (unless the options say `resendUnconfirmedCreates`).
   */
  idempotent?: boolean;
}

/**
 * A create without an idempotency key: one that may have made a job is not sent again (see `createMayExist`), and a
 * `CANCEL` while it is out waits for its answer (`cancelling`) — at most `requestTimeoutMs`, the request's own
 * time-out — so that the cancelled outcome carries the job id the provider gave, or says the job may exist.
 */
function unrepeatedCreate(chartId: string, actor: string): StateConfig {
  const requesting = requestingState(chartId, actor);
  const cancelled = `#${chartId}.cancelled`;
  const notSentAgain = { guard: 'createMayExist', target: `#${chartId}.rejected`, actions: 'rejectUnconfirmedCreate' };
  return {
    ...requesting,
    on: { ...requesting.on, 'http.transient': [notSentAgain, ...requesting.on['http.transient']] },
    initial: 'open',
    states: {
      open: { on: { CANCEL: 'cancelling' } },
      cancelling: {
        on: {
          'submit.accepted': { target: cancelled, actions: ['recordAnswer', 'recordJobId'] },
          'http.transient': [{ guard: 'createMayExist', target: cancelled, actions: 'cancelUnconfirmedCreate' }, { target: cancelled }],
          // Refused or asked to wait: no job was made.
          ...Object.fromEntries(['http.rateLimited', ...Object.keys(rejectionTransitions(chartId))].map((e) => [e, cancelled])),
          // Already cancelling.
          CANCEL: { actions: [] },
        },
      },
    },
  };
}

/**
 * What the visualizer reads from `meta.jobcharts`: a request region (`machinery`) is shared machinery, drawn
 * collapsed into one box with its summary, so a provider's own states are what the eye meets. Outside such a
 * region, a `request` step and its `wait` siblings are folded into one box the same way.
 */
export interface RequestRegionMeta {
  jobcharts: { machinery: 'request'; summary: string };
}

function requestRegionMeta(doing: string): RequestRegionMeta {
  return { jobcharts: { machinery: 'request', summary: `${doing} · retries · backs off on 429 · waits for budget` } };
}

/** Creating the job: one request, retried after 429s and transient failures. */
export function submitStates(chartId: string, actor: string, { idempotent = true }: SubmitOptions = {}): StateConfig {
  return {
    meta: requestRegionMeta(`requests ${actor}`),
    initial: 'ready',
    states: {
      ready: readyState(),
      waitingForBudget: budgetState(chartId),
      requesting: idempotent ? requestingState(chartId, actor) : unrepeatedCreate(chartId, actor),
      backingOff: waitState(chartId, 'requesting', true),
      retrying: waitState(chartId, 'requesting', true),
    },
  } as const;
}

/** Any other single request a chart makes on its way (e.g. fetching a finished job's output), retried the same way. */
export const retriedRequestStates = (chartId: string, actor: string): StateConfig => submitStates(chartId, actor);

/**
 * Polling the job's status. `inProgress` are the events that mean "still running, ask again later";
 * the chart handles the other answers (done, failed, needs a person) around this region.
 */
export function pollerStates(chartId: string, actor: string, inProgress: readonly string[]): StateConfig {
  const requesting = requestingState(chartId, actor);
  const again = { target: 'waiting', actions: 'scheduleNextPoll' } as const;
  return {
    meta: requestRegionMeta(`polls ${actor}`),
    initial: 'ready',
    states: {
      ready: readyState(),
      waitingForBudget: budgetState(chartId),
      requesting: { ...requesting, on: { ...requesting.on, ...Object.fromEntries(inProgress.map((e) => [e, again])) } },
      waiting: waitState(chartId, 'requesting', true),
      backingOff: waitState(chartId, 'requesting', true),
      retrying: waitState(chartId, 'requesting', true),
    },
  } as const;
}

/**
 * The job's clock (clock.ts), invoked at the root of every chart: the one timer of the job (the end of the current
 * wait, `wakeAt`), which also hears `input.signal`. A chart's `setup()` names it `clock`.
 *
 * Its id is typed `string`, not the literal `'clock'`, on purpose: the request actors have generated ids, so XState
 * types a chart's `children` with a string index signature of the request actors' type; one child with a literal id
 * beside it becomes a property that index signature refuses, and every shipped chart declaration failed to compile
 * with `skipLibCheck: false` (TS2411).
 */
export const jobClockInvoke: { readonly id: string; readonly src: 'clock' } = { id: 'clock', src: 'clock' };

/** Where every chart starts: bad input ends it at once, a job id attaches (poll only), a request is submitted first. */
export function startingState() {
  return {
    always: [
      { guard: 'hasInputProblem', target: 'rejected' },
      { guard: 'isAttach', target: 'polling' },
      { target: 'submitting' },
    ],
  } as const;
}

/** The five ends every chart has; each entry action writes `context.outcome`, the chart's `output`. */
export function endStates() {
  return {
    succeeded: { type: 'final', entry: 'endSucceeded' },
    failed: { type: 'final', entry: 'endFailed' },
    rejected: { type: 'final', entry: 'endRejected' },
    timedOut: { type: 'final', entry: 'endTimedOut' },
    cancelled: { type: 'final', entry: 'endCancelled' },
  } as const;
}
