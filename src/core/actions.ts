/**
 * The actions every chart shares. They read the actor system's clock, so SimulatedClock drives them, and only the
 * fields of {@link JobContext}: a chart's own actions sit beside them (see polling-job.ts).
 */
import { setup, type AnyActorRef, type EventObject } from 'xstate';
import { clockNow } from './clock.js';
import { nextDelay } from './delay.js';
import type { HttpFailureEvent, RateLimitedEvent, RefusalEvent, RejectionKind, TransientEvent } from './events.js';
import type { AnyJobContext, LastAnswer } from './context.js';
import type { JobError, JobOutcome, Rejection, UnconfirmedCreate } from './outcome.js';

type Args = { context: AnyJobContext; event: EventObject; self: AnyActorRef };

/** XState's `assign`, typed for the shared context: a chart's own `setup()` takes these actions as they are. */
const { assign } = setup({ types: { context: {} as AnyJobContext, events: {} as EventObject } });

const now = (self: AnyActorRef) => clockNow(self.system);

/**
 * When a wait that starts `from` now ends: after `delay`, but not past the overall deadline — unless the deadline is
 * nearer than `minDelayMs`, a provider's own floor between two requests (Perceptis: once a second), which wins.
 */
function capAtDeadline(context: AnyJobContext, from: number, delay: number): number {
  const capped = context.deadlineAt === null ? from + delay : Math.min(from + delay, context.deadlineAt);
  return Math.max(capped, from + context.options.minDelayMs);
}

function answerOf(event: EventObject, at: number): LastAnswer {
  const e = event as Partial<HttpFailureEvent> & EventObject;
  const answer: LastAnswer = { at, event: event.type };
  if (typeof e.httpStatus === 'number') answer.httpStatus = e.httpStatus;
  if (typeof e.message === 'string') answer.message = e.message;
  return answer;
}

/** What a good answer changes: the failure streaks are over; progress is taken when the event carries it. */
function goodAnswer(context: AnyJobContext, event: EventObject, at: number) {
  const progress = (event as { progress?: unknown }).progress;
  return {
    retries: 0,
    rateLimits: 0,
    lastError: null,
    lastAnswer: answerOf(event, at),
    progress: typeof progress === 'number' || progress === null ? progress : context.progress,
  };
}

export const jobActions = {
  /** A request goes out: count it; no wait is pending while it is in flight. */
  countRequest: assign(({ context }: Args) => ({ requests: context.requests + 1, wakeAt: null, waitReason: null })),

  /** A good answer: the failure streaks are over; progress is taken when the event carries it. */
  recordAnswer: assign(({ context, event, self }: Args) => goodAnswer(context, event, now(self))),

  /**
   * The create was accepted: keep the job id, and drop the request, which is never sent again and can be large
   * (base64 reference images would otherwise ride in every snapshot and inspection frame).
   */
  recordJobId: assign(({ event }: Args) => ({ jobId: (event as EventObject & { jobId: unknown }).jobId, request: null })),

  /**
   * The job is still running: record the answer (as {@link recordAnswer}) and wait one (growing) poll interval, but
   * never past the overall deadline. One action, not two: every `assign` copies the context and the snapshot.
   */
  scheduleNextPoll: assign(({ context, event, self }: Args) => {
    const at = now(self);
    const delay = nextDelay(context.options, { kind: 'poll', attempt: context.polls });
    return {
      ...goodAnswer(context, event, at),
      polls: context.polls + 1,
      waitReason: 'poll' as const,
      wakeAt: capAtDeadline(context, at, delay),
    };
  }),

  /**
   * 429: wait at least what Retry-After says, backing off further on repeated 429s, but never past the overall
   * deadline. The cap never cuts a Retry-After short: `retryAfterBeyondDeadline` ended the job when it reached past it.
   */
  scheduleRateLimitWait: assign(({ context, event, self }: Args) => {
    const e = event as RateLimitedEvent;
    const at = now(self);
    const delay = nextDelay(context.options, { kind: 'rateLimited', attempt: context.rateLimits, retryAfterMs: e.retryAfterMs });
    return {
      rateLimits: context.rateLimits + 1,
      waitReason: 'rateLimited' as const,
      wakeAt: capAtDeadline(context, at, delay),
      lastAnswer: answerOf(event, at),
    };
  }),

  /** Transient failure: retry with exponential back-off; the last try is at the deadline at the latest. */
  scheduleRetry: assign(({ context, event, self }: Args) => {
    const e = event as TransientEvent;
    const at = now(self);
    const delay = nextDelay(context.options, { kind: 'retry', attempt: context.retries });
    return {
      retries: context.retries + 1,
      waitReason: 'retry' as const,
      wakeAt: capAtDeadline(context, at, delay),
      lastError: e.message,
      lastAnswer: answerOf(event, at),
    };
  }),

  clearWait: assign(() => ({ wakeAt: null, waitReason: null })),

  /** The key's shared rate budget lets the next request go at `event.until`. */
  scheduleBudgetWait: assign(({ event }: Args) => ({
    waitReason: 'budget' as const,
    wakeAt: (event as EventObject & { until: number }).until,
  })),

  /** The job is done: keep the result the provider's answer carried (`event.result`). */
  recordResult: assign(({ event }: Args) => ({ result: (event as EventObject & { result: unknown }).result })),

  endSucceeded: assign(({ context }: Args) => ended({ status: 'succeeded', jobId: context.jobId, result: context.result })),

  /** The provider said the job failed (`event.error`: its code and words). */
  endFailed: assign(({ context, event }: Args) =>
    ended({ status: 'failed', jobId: context.jobId, error: (event as EventObject & { error: JobError }).error }),
  ),

  /**
   * A create without an idempotency key that may have reached the provider, with no answer saying so (see
   * `createMayExist`): the provider cannot tell a second create from a new job, so it is not sent again. Decides the
   * outcome `endRejected` then keeps: rejected / unconfirmed, with what is known of the create.
   */
  rejectUnconfirmedCreate: assign(({ context, event }: Args) => {
    const e = event as TransientEvent & { sentAt?: number; at?: number };
    const unconfirmedCreate = unconfirmedCreateOf(context, e);
    const answered = e.httpStatus !== undefined ? `the provider answered HTTP ${e.httpStatus} but its answer could not be read` : e.message;
    const rejection: Rejection = {
      kind: 'unconfirmed',
      ...(e.httpStatus === undefined ? {} : { httpStatus: e.httpStatus }),
      message:
        `the create may have reached the provider (${answered}); it was not sent again, since a second create would ` +
        `make a second job: the job may exist at the provider${e.httpStatus !== undefined ? ` (${e.message})` : ''}`,
    };
    return { outcome: { status: 'rejected' as const, error: rejection, unconfirmedCreate } };
  }),

  /** Cancelled while a create was out, whose answer then did not say whether it made a job: the outcome says so. */
  cancelUnconfirmedCreate: assign(({ context, event }: Args) => ({
    outcome: { status: 'cancelled' as const, unconfirmedCreate: unconfirmedCreateOf(context, event as TransientEvent) },
  })),

  endRejected: assign(({ context, event, self }: Args) => {
    const decided = context.outcome?.status === 'rejected' ? context.outcome.error : null;
    const rejection = decided ?? rejectionOf(context, event);
    const unconfirmed = context.outcome?.status === 'rejected' ? context.outcome.unconfirmedCreate : undefined;
    return {
      ...ended(withJobId({ status: 'rejected' as const, error: rejection, ...(unconfirmed ? { unconfirmedCreate: unconfirmed } : {}) }, context.jobId)),
      lastAnswer: context.inputProblem ? context.lastAnswer : answerOf(event, now(self)),
    };
  }),

  endTimedOut: assign(({ context }: Args) => ended(withJobId({ status: 'timedOut' as const }, context.jobId))),

  endCancelled: assign(({ context }: Args) => {
    const unconfirmed = context.outcome?.status === 'cancelled' ? context.outcome.unconfirmedCreate : undefined;
    return ended(withJobId({ status: 'cancelled' as const, ...(unconfirmed ? { unconfirmedCreate: unconfirmed } : {}) }, context.jobId));
  }),
};

/** What is known of a create that may have made a job (`event`: the failure that left it unconfirmed). */
function unconfirmedCreateOf(context: AnyJobContext, e: TransientEvent & { sentAt?: number; at?: number }): UnconfirmedCreate {
  const reason: UnconfirmedCreate['reason'] = e.reason === 'timeout' ? 'timeout' : e.reason === 'network' ? 'network' : 'unreadable';
  return {
    sentAt: e.sentAt ?? e.at ?? context.startedAt,
    attempts: context.requests,
    reason,
    ...(e.httpStatus === undefined ? {} : { httpStatus: e.httpStatus }),
  };
}

/** What every end writes: the outcome (the chart's `output`), and no wait left pending. */
function ended(outcome: JobOutcome<unknown, unknown>) {
  return { wakeAt: null, waitReason: null, outcome };
}

function withJobId<T extends object>(outcome: T, jobId: unknown): T & { jobId?: never } {
  return (jobId === null || jobId === undefined ? outcome : { ...outcome, jobId }) as T & { jobId?: never };
}

function rejectionOf(context: AnyJobContext, event: EventObject): Rejection {
  if (context.inputProblem) return { kind: 'invalid', message: context.inputProblem };
  const e = event as HttpFailureEvent;
  const kind: RejectionKind =
    e.type === 'http.rateLimited'
      ? 'rateLimited'
      : e.type === 'http.transient'
        ? e.reason === 'protocol'
          ? 'protocol'
          : 'unavailable'
        : (e.type.slice('http.'.length) as RejectionKind);
  const rejection: Rejection = { kind, message: rejectionMessage(context, e) };
  if (e.httpStatus !== undefined) rejection.httpStatus = e.httpStatus;
  const code = (e as RefusalEvent).code;
  if (code !== undefined) rejection.code = code;
  return rejection;
}

function rejectionMessage(context: AnyJobContext, e: HttpFailureEvent): string {
  if (e.type === 'http.rateLimited') {
    const seconds = e.retryAfterMs === undefined ? '?' : Math.ceil(e.retryAfterMs / 1000);
    return `${e.message} (Retry-After ${seconds} s is longer than maxRetryAfterMs ${context.options.maxRetryAfterMs} ms)`;
  }
  if (e.type === 'http.transient') return `${e.message} (gave up after ${context.retries + 1} tries)`;
  return e.message;
}
