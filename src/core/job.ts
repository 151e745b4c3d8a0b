import { assign, fromCallback, type AnyActorRef, type EventObject } from 'xstate';
import type { z } from 'zod';
import type { HttpRequest } from './http.js';
import { parentOf, startInputOf as readStartInput } from './start-input.js';
import { clockNow } from './clock.js';
import { needsBudget, requestAnswered, requestStarted, type BudgetedContext } from './budget.js';
import { nextDelay } from './delay.js';
import type {
  HttpFailureEvent,
  RateLimitedEvent,
  RefusalEvent,
  RejectionKind,
  TransientEvent,
} from './events.js';
import { resolveJobOptions, type PollOptions } from './options.js';
import { trimBaseUrl } from './url.js';
import type { JobError, JobOutcome, Rejection } from './outcome.js';

/**
 * Version of the snapshot layout (see persist.ts): 2 since waits are timed by one clock per job. A snapshot of
 * version 1 is brought up to date on restore; one of any other version is refused.
 */
export const SNAPSHOT_SCHEMA_VERSION = 2;

/** What every job actor takes as `input`. Give either `request` (submit, then poll) or `jobId` (attach). */
export interface JobInput<TRequest, TJobId, TOptions extends PollOptions = PollOptions> {
  baseUrl: string;
  /** Sent in the provider's auth header. Never kept in context, snapshots or inspection events: pass it again when restoring. */
  apiKey?: string;
  request?: TRequest;
  jobId?: TJobId;
  options?: Partial<TOptions>;
  /** Aborting it cancels the job, as a `CANCEL` event does. */
  signal?: AbortSignal;
}

/** The last thing a provider told us, for people watching the job. */
export interface LastAnswer {
  at: number;
  event: string;
  httpStatus?: number;
  message?: string;
}

/** Context every chart shares; a chart adds its provider's own fields. */
export interface JobContext<TJobId, TResult> {
  schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  provider: string;
  baseUrl: string;
  jobId: TJobId | null;
  /** 0..1, or null when the provider does not say. */
  progress: number | null;
  options: PollOptions;
  startedAt: number;
  /** The overall deadline (null: none), on the actor system's clock. */
  deadlineAt: number | null;
  /** When the current wait ends: the next request is due then (or, waiting for a person, their time is up). */
  wakeAt: number | null;
  /**
   * Why the current wait: a poll interval, a 429, a retry after a transient failure, the key's shared rate budget,
   * or a person's time limit (`wakeAt` is then when the job times out unless the person acts).
   */
  waitReason: 'poll' | 'rateLimited' | 'retry' | 'budget' | 'person' | null;
  /** In-progress answers so far (drives the interval's growth). */
  polls: number;
  /** Consecutive transient failures. */
  retries: number;
  /** Consecutive 429 answers. */
  rateLimits: number;
  /** Requests sent so far (all kinds). */
  requests: number;
  lastAnswer: LastAnswer | null;
  /** The last transient failure, while retrying. */
  lastError: string | null;
  /** Why the input cannot start a job (the job then ends rejected / invalid at once). */
  inputProblem: string | null;
  result: TResult | null;
  outcome: JobOutcome<TResult, TJobId> | null;
}

type AnyJobContext = JobContext<unknown, unknown>;

export interface JobSpec<TRequest> {
  provider: string;
  defaults: Partial<PollOptions>;
  /** The provider's create request, checked before anything is sent. */
  requestSchema: z.ZodType<TRequest>;
  /** The provider's job ids (string uuid, integer…). */
  jobIdSchema: z.ZodType;
  /** Whether the provider needs `apiKey`. */
  needsKey: boolean;
  /** Options of the chart's own beside {@link PollOptions}, e.g. Cata's `answerTimeoutMs`: their checks and defaults. */
  extraOptions?: { shape: z.ZodRawShape; defaults: Record<string, unknown> };
}

/** Builds the shared part of a chart's initial context; never throws (a problem ends the job rejected). */
export function initialJobContext<TRequest, TJobId, TResult>(
  input: JobInput<TRequest, TJobId, PollOptions> | undefined,
  spec: JobSpec<TRequest>,
  now: number,
): JobContext<TJobId, TResult> & { request: TRequest | null } {
  const resolved = resolveSpecOptions(spec, input?.options);
  const options = 'options' in resolved ? resolved.options : resolvePollOptionsOrDefault(spec);
  const problem = inputProblem(input, spec) ?? ('problem' in resolved ? resolved.problem : null);
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    provider: spec.provider,
    baseUrl: typeof input?.baseUrl === 'string' ? trimBaseUrl(input.baseUrl) : '',
    jobId: input?.jobId ?? null,
    request: input?.request ?? null,
    progress: null,
    options,
    startedAt: now,
    deadlineAt: Number.isFinite(options.timeoutMs) ? now + options.timeoutMs : null,
    wakeAt: null,
    waitReason: null,
    polls: 0,
    retries: 0,
    rateLimits: 0,
    requests: 0,
    lastAnswer: null,
    lastError: null,
    inputProblem: problem,
    result: null,
    outcome: null,
  };
}

function resolveSpecOptions(spec: JobSpec<unknown>, user: Partial<PollOptions> | undefined) {
  const defaults = { ...spec.extraOptions?.defaults, ...spec.defaults } as Partial<PollOptions>;
  return resolveJobOptions(defaults, user, spec.extraOptions?.shape ?? {});
}

function resolvePollOptionsOrDefault(spec: JobSpec<unknown>): PollOptions {
  const fallback = resolveSpecOptions(spec, undefined);
  if (!('options' in fallback)) throw new Error(`bad defaults for ${spec.provider}: ${fallback.problem}`);
  return fallback.options;
}

function inputProblem<TRequest>(input: JobInput<TRequest, unknown> | undefined, spec: JobSpec<TRequest>): string | null {
  if (input == null || typeof input !== 'object') return 'input is required: { baseUrl, apiKey, request | jobId }';
  if (typeof input.baseUrl !== 'string' || !isHttpUrl(input.baseUrl)) {
    return `baseUrl must be an http(s) URL, got ${JSON.stringify(input.baseUrl)}`;
  }
  if (spec.needsKey && (typeof input.apiKey !== 'string' || input.apiKey.trim() === '')) {
    return `apiKey is missing: ${spec.provider} needs an API key`;
  }
  // A key that cannot go in a header would fail inside fetch, whose error message quotes the whole header.
  if (typeof input.apiKey === 'string' && !/^[\x20-\x7e]*$/.test(input.apiKey)) {
    return 'apiKey contains characters an HTTP header cannot carry (line breaks, control or non-ASCII characters)';
  }
  const hasRequest = input.request !== undefined;
  const hasJobId = input.jobId !== undefined;
  if (hasRequest === hasJobId) return 'give either request (to submit a job) or jobId (to attach to one), not both';
  if (hasJobId) {
    const id = spec.jobIdSchema.safeParse(input.jobId);
    if (!id.success) return `jobId is not a ${spec.provider} job id: ${JSON.stringify(input.jobId)}`;
    return null;
  }
  const request = spec.requestSchema.safeParse(input.request);
  if (!request.success) {
    const issue = request.error.issues[0];
    return `request.${issue.path.join('.')}: ${issue.message}`;
  }
  return null;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** What the job actor was started with (the key, the signal): read from the running actor, never from context. */
export function startInputOf(actor: AnyActorRef | undefined): Partial<JobInput<unknown, unknown>> {
  return readStartInput(actor) as Partial<JobInput<unknown, unknown>>;
}

/** What a request actor gets: the job's public context plus the key, read at the moment of the request. */
export interface RequestArgs<TContext> {
  context: TContext;
  apiKey: string;
  /** The request's controller, aborted when the request actor stops (see HttpRequest). */
  controller: AbortController;
  now: () => number;
}

/**
 * An invoked actor that performs one HTTP exchange and sends the chart one named event.
 * Leaving the state aborts the request in flight (a `CANCEL`, or the job's `input.signal` aborted, leaves it).
 * A bug in `perform` becomes a transient failure, never an unhandled rejection. Restoring a snapshot starts it
 * again, so it must be safe to repeat.
 */
export function requestActor<TContext>(perform: (args: RequestArgs<TContext>) => Promise<EventObject | null>) {
  return fromCallback<EventObject, { context: TContext }>(({ input, sendBack, self, system }) => {
    const controller = new AbortController();
    const parent = parentOf(self);
    const apiKey = startInputOf(parent).apiKey ?? '';
    const sentAt = clockNow(system);
    const budgeted = input.context as unknown as BudgetedContext;
    const endBudget = parent ? requestStarted(parent, budgeted, sentAt) : undefined;
    let settled = false;
    let stopped = false;
    const gate = readStartInput(parent).gate;
    const send = () => perform({ context: input.context, apiKey, controller, now: () => clockNow(system) });
    const exchange = gate ? gate.take(controller.signal).then(() => (controller.signal.aborted ? null : send())) : send();
    exchange.then(
      (event) => {
        settled = true;
        if (event && parent) requestAnswered(parent, budgeted, event.type, sentAt, clockNow(system));
        if (event) gate?.answered(event as { type: string; retryAfterMs?: number }, sentAt);
        if (event && !stopped) sendBack({ ...event, at: clockNow(system) });
      },
      (error: unknown) => {
        settled = true;
        if (stopped) return;
        const message = error instanceof Error ? error.message : String(error);
        sendBack({
          type: 'http.transient',
          reason: 'protocol',
          message: `could not read the answer: ${message}`,
          at: clockNow(system),
        });
      },
    );
    return () => {
      stopped = true;
      // Aborting builds a DOMException with a stack: only worth it while the request is still out.
      if (!settled) controller.abort();
      endBudget?.();
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Actions and guards every chart shares. They read the actor system's clock, so SimulatedClock drives them.

type Args = { context: AnyJobContext; event: EventObject; self: AnyActorRef };

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

const sharedActions = {
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
   * A create the provider answered 2xx with a body we could not read: the job may exist there, and the provider
   * cannot tell a second create from a new job, so it is not sent again. Decides the outcome `endRejected` then keeps.
   */
  rejectUnreadableCreate: assign(({ context, event }: Args) => {
    const e = event as TransientEvent;
    const rejection: Rejection = {
      kind: 'protocol',
      httpStatus: e.httpStatus,
      message:
        `the provider accepted the create (HTTP ${e.httpStatus}) but its answer could not be read, so it was not sent ` +
        `again (the job may exist at the provider): ${e.message}`,
    };
    return { outcome: withJobId({ status: 'rejected' as const, error: rejection }, context.jobId) };
  }),

  endRejected: assign(({ context, event, self }: Args) => {
    const decided = context.outcome?.status === 'rejected' ? context.outcome.error : null;
    const rejection = decided ?? rejectionOf(context, event);
    return {
      ...ended(withJobId({ status: 'rejected' as const, error: rejection }, context.jobId)),
      lastAnswer: context.inputProblem ? context.lastAnswer : answerOf(event, now(self)),
    };
  }),

  endTimedOut: assign(({ context }: Args) => ended(withJobId({ status: 'timedOut' as const }, context.jobId))),

  endCancelled: assign(({ context }: Args) => ended(withJobId({ status: 'cancelled' as const }, context.jobId))),
};

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

/**
 * The shared actions, typed loosely on purpose: `setup()` types each action for one chart's own context and
 * events, which a shared implementation cannot name. They read only the fields of {@link JobContext}.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const jobActions = sharedActions as { [K in keyof typeof sharedActions]: any };

/** When an event from the outside world happened: request actors and the job’s clock stamp their events with `at`. */
function eventTime(event: EventObject): number | undefined {
  const at = (event as { at?: unknown }).at;
  return typeof at === 'number' ? at : undefined;
}

type GuardArgs = { context: AnyJobContext; event: EventObject };

export const jobGuards = {
  hasInputProblem: ({ context }: GuardArgs) => context.inputProblem !== null,
  isAttach: ({ context }: GuardArgs) => context.jobId !== null,
  /** The overall deadline had passed when this answer came: no more waiting. */
  pastDeadline: ({ context, event }: GuardArgs) => {
    const at = eventTime(event);
    return at !== undefined && context.deadlineAt !== null && at >= context.deadlineAt;
  },
  retryBudgetSpent: ({ context }: GuardArgs) => context.retries >= context.options.maxRetries,
  /** The provider answered 2xx but its body could not be read: the request did reach it and was taken. */
  answeredUnreadable: ({ event }: GuardArgs) => {
    const e = event as Partial<TransientEvent> & EventObject;
    return e.type === 'http.transient' && e.reason === 'protocol' && typeof e.httpStatus === 'number' && e.httpStatus >= 200 && e.httpStatus <= 299;
  },
  /** The next request must wait for the key's shared rate budget (configured, or learnt from 429s). */
  needsBudget: ({ context }: GuardArgs) => needsBudget(context),
  retryAfterTooLong: ({ context, event }: GuardArgs) =>
    ((event as RateLimitedEvent).retryAfterMs ?? 0) > context.options.maxRetryAfterMs,
  /** The server forbids asking again before the deadline: nothing more can be learnt in time. */
  retryAfterBeyondDeadline: ({ context, event }: GuardArgs) => {
    const at = eventTime(event);
    const wait = (event as RateLimitedEvent).retryAfterMs ?? 0;
    return at !== undefined && context.deadlineAt !== null && at + wait > context.deadlineAt;
  },
};

/** What a provider client needs for one exchange: where, with which key, for how long, and the job's clock. */
export interface ProviderCall {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  /** The exchange's controller (see HttpRequest): aborting it cancels the request. */
  controller: AbortController;
  now: () => number;
}

/** The HTTP request of one exchange of `call`: what to send, with the call's time-out and controller. */
export function requestFor(
  call: Pick<ProviderCall, 'timeoutMs' | 'controller'>,
  request: Omit<HttpRequest, 'timeoutMs' | 'controller'>,
): HttpRequest {
  return { ...request, timeoutMs: call.timeoutMs, controller: call.controller };
}

/** The {@link ProviderCall} of a request actor's run. */
export function providerCallOf({ context, apiKey, controller, now }: RequestArgs<JobContext<unknown, unknown>>): ProviderCall {
  return { baseUrl: context.baseUrl, apiKey, timeoutMs: context.options.requestTimeoutMs, controller, now };
}
