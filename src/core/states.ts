/**
 * The poller's own states, shared by every chart: `requesting` one answer, `waiting` for the next poll,
 * `backingOff` after a 429, `retrying` after a transient failure, and `waitingForBudget` (only when the key has a
 * shared rate budget, see budget-registry.ts). Each wait ends at an absolute time, `context.wakeAt`, when the job's
 * clock (clock.ts, started with every job) sends `timer.due`.
 * The chart factory (polling-job.ts) places them in a chart's lifecycle; a chart's own states use them through the
 * factory's {@link StateKit}.
 */
import { setup, type EventObject, type UnknownActorLogic } from 'xstate';
import { budgetActor } from './budget-actor.js';
import { jobActions } from './actions.js';
import { jobGuards } from './guards.js';
import type { AnyJobContext } from './context.js';

/**
 * What the builders may name: the shared actions and guards, and any request actor (a chart names its own, e.g.
 * `status`). XState's `createStateConfig` checks every name a builder writes against them.
 */
const shared = setup({
  types: { context: {} as AnyJobContext, events: {} as EventObject },
  actors: {} as Record<string, UnknownActorLogic>,
  actions: jobActions,
  guards: jobGuards,
});
const stateConfig = shared.createStateConfig;

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
function rejectionTransitions(chartId: string) {
  const target = `#${chartId}.rejected` as const;
  return {
    'http.unauthorized': target,
    'http.forbidden': target,
    'http.notFound': target,
    'http.payment': target,
    'http.invalid': target,
  } as const;
}

/** One request in flight; `actor` sends back one named event. */
export function requestingState(chartId: string, actor: string) {
  return stateConfig({
    meta: { jobcharts: { step: 'request', summary: `requests ${actor} · retries · backs off on 429` } },
    tags: 'requesting',
    entry: 'countRequest',
    invoke: { src: actor, input: ({ context }) => ({ context }) },
    on: failureTransitions(chartId),
  });
}

/**
 * A wait until `context.wakeAt` (the job's clock sends `timer.due` then), then back to `requesting`; past the overall
 * deadline the job times out instead.
 * `viaBudget`: the wait's siblings include {@link budgetState}, which the next request passes when the key has a budget.
 */
export function waitState(chartId: string, then = 'requesting', viaBudget = false) {
  return stateConfig({
    meta: { jobcharts: { step: 'wait' } },
    tags: 'waiting',
    always: { guard: 'pastDeadline', target: `#${chartId}.timedOut` },
    // Entering `requesting` clears the wait (`countRequest`); the budget state sets one of its own.
    on: { 'timer.due': viaBudget ? toRequest(then, 'clearWait') : then },
  });
}

/**
 * The way to the next request: through `waitingForBudget` when the key has a shared rate budget (configured or
 * learnt from 429s), straight to `then` otherwise — without a budget a job never enters the budget state.
 */
function toRequest(then: string, budgetActions?: 'clearWait') {
  return [{ guard: 'needsBudget' as const, target: 'waitingForBudget', ...(budgetActions ? { actions: budgetActions } : {}) }, { target: then }];
}

/** Where a request region starts: no state of its own, it only picks the way to the first request. */
function readyState(then = 'requesting') {
  return stateConfig({ always: toRequest(then) });
}

/**
 * Waiting for the key's shared rate budget before a request: `queued` while every concurrent request the key
 * allows is in flight, `paced` until the moment the key's request rate allows (`context.wakeAt`, tagged `waiting`).
 */
export function budgetState(chartId: string, then = 'requesting') {
  return stateConfig({
    initial: 'queued',
    invoke: { src: budgetActor, input: ({ context }) => ({ context }) },
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
  });
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
function unrepeatedCreate(chartId: string, actor: string) {
  const requesting = requestingState(chartId, actor);
  const cancelled = `#${chartId}.cancelled`;
  const notSentAgain = { guard: 'createMayExist', target: `#${chartId}.rejected`, actions: 'rejectUnconfirmedCreate' } as const;
  return stateConfig({
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
  });
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
export function submitStates(chartId: string, actor: string, { idempotent = true }: SubmitOptions = {}) {
  return stateConfig({
    meta: requestRegionMeta(`requests ${actor}`),
    initial: 'ready',
    states: {
      ready: readyState(),
      waitingForBudget: budgetState(chartId),
      requesting: idempotent ? requestingState(chartId, actor) : unrepeatedCreate(chartId, actor),
      backingOff: waitState(chartId, 'requesting', true),
      retrying: waitState(chartId, 'requesting', true),
    },
  });
}

/** Any other single request a chart makes on its way (e.g. fetching a finished job's output), retried the same way. */
export const retriedRequestStates = (chartId: string, actor: string) => submitStates(chartId, actor);

/**
 * Polling the job's status. `inProgress` are the events that mean "still running, ask again later";
 * the chart handles the other answers (done, failed, needs a person) around this region.
 */
export function pollerStates(chartId: string, actor: string, inProgress: readonly string[]) {
  const requesting = requestingState(chartId, actor);
  const again = { target: 'waiting', actions: 'scheduleNextPoll' } as const;
  return stateConfig({
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
  });
}
