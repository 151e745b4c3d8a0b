import { assign, fromCallback, type AnyActorRef, type EventObject } from 'xstate';
import { checkSchema, type Schema, type SchemaShape } from './schema.js';
import type { HttpRequest, HttpTransport } from './http.js';
import { startInputOf as readStartInput } from './start-input.js';
import { parentOf } from './xstate-internals.js';
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
import { boundProviderEvent, secretForms } from './provider-data.js';
import type { JobError, JobOutcome, Rejection, UnconfirmedCreate } from './outcome.js';

/**
 * Version of the snapshot layout (see persist.ts): 2 since waits are timed by one clock per job. A snapshot of
 * version 1 is brought up to date on restore; one of any other version is refused.
 */
export const SNAPSHOT_SCHEMA_VERSION = 2;

/**
 * What every job actor takes as `input`. Give either `request` (submit, then poll) or `jobId` (attach).
 * Restoring (`createActor(chart, { snapshot, input })`), give `{ baseUrl, apiKey }` (see `RestoreInput`): the
 * restore input's `baseUrl` is authoritative, and a snapshot persisted for another one is refused (restore.ts).
 */
export interface JobInput<TRequest, TJobId, TOptions extends PollOptions = PollOptions> {
  baseUrl: string;
  /** Sent in the provider's auth header. Never kept in context, snapshots or inspection events: pass it again when restoring. */
  apiKey?: string;
  request?: TRequest;
  jobId?: TJobId;
  options?: Partial<TOptions>;
  /** Aborting it cancels the job, as a `CANCEL` event does. */
  signal?: AbortSignal;
  /**
   * Sends the job's requests (default: undici's `request()` on Node, `fetch` elsewhere). Like the key, never kept in
   * a snapshot: pass it again when restoring. See docs/performance.md.
   */
  transport?: HttpTransport;
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
  requestSchema: Schema<TRequest>;
  /** The provider's job ids (string uuid, integer…). */
  jobIdSchema: Schema;
  /** Whether the provider needs `apiKey`. */
  needsKey: boolean;
  /** Options of the chart's own beside {@link PollOptions}, e.g. Cata's `answerTimeoutMs`: their checks and defaults. */
  extraOptions?: { shape: SchemaShape; defaults: Record<string, unknown> };
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
  return connectionProblem(input, spec) ?? requestProblem(input, spec);
}

/** What is wrong with where the requests would go and the key they would carry (null: nothing). Also checks a restore's input. */
export function connectionProblem(input: { baseUrl?: unknown; apiKey?: unknown }, spec: Pick<JobSpec<unknown>, 'provider' | 'needsKey'>): string | null {
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
  return null;
}

function requestProblem<TRequest>(input: JobInput<TRequest, unknown>, spec: JobSpec<TRequest>): string | null {
  const hasRequest = input.request !== undefined;
  const hasJobId = input.jobId !== undefined;
  if (hasRequest === hasJobId) return 'give either request (to submit a job) or jobId (to attach to one), not both';
  if (hasJobId) {
    const id = checkSchema(spec.jobIdSchema, input.jobId);
    if (!id.success) return `jobId is not a ${spec.provider} job id: ${JSON.stringify(input.jobId)}`;
    return null;
  }
  const request = checkSchema(spec.requestSchema, input.request);
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
  /** The job's own transport, if it was started with one. */
  transport?: HttpTransport;
}

/** A request actor's input once its request is out: `sentAt`, when it was sent (see {@link createSentAt}). */
interface InFlight {
  context: unknown;
  sentAt?: number;
}

/** When the request of a persisted request actor was sent; undefined when it was persisted before it ran. */
export function createSentAt(persistedChild: unknown): number | undefined {
  const sentAt = (persistedChild as { snapshot?: { input?: InFlight } } | undefined)?.snapshot?.input?.sentAt;
  return typeof sentAt === 'number' && Number.isFinite(sentAt) ? sentAt : undefined;
}

/**
 * An invoked actor that performs one HTTP exchange and sends the chart one named event. Every event passes
 * {@link boundProviderEvent} on its way: the one place where a provider's data enters the job, bounded and with
 * the job's key replaced.
 * Leaving the state aborts the request in flight (a `CANCEL`, or the job's `input.signal` aborted, leaves it).
 * A bug in `perform` becomes a transient failure, never an unhandled rejection. Restoring a snapshot starts it
 * again, so it must be safe to repeat.
 */
export function requestActor<TContext>(perform: (args: RequestArgs<TContext>) => Promise<EventObject | null>) {
  return fromCallback<EventObject, { context: TContext }>(({ input, sendBack, self, system }) => {
    const controller = new AbortController();
    const parent = parentOf(self);
    const { apiKey: key, transport } = startInputOf(parent);
    const apiKey = typeof key === 'string' ? key : '';
    const forms = secretForms(apiKey);
    const sentAt = clockNow(system);
    const sendEvent = (event: EventObject | TransientEvent) =>
      sendBack({ ...boundProviderEvent(event, forms), at: clockNow(system), sentAt });
    const budgeted = input.context as unknown as BudgetedContext;
    const endBudget = parent ? requestStarted(parent, budgeted, sentAt) : undefined;
    let settled = false;
    let stopped = false;
    const gate = readStartInput(parent).gate;
    const send = () => {
      // Kept in this actor's persisted snapshot: a job restored while its create is out knows the create was sent.
      (input as InFlight).sentAt = sentAt;
      return perform({ context: input.context, apiKey, controller, now: () => clockNow(system), transport });
    };
    // React StrictMode starts an actor, stops it and starts it again in one task, and @xstate/react restores it
    // from its snapshot, so this actor runs twice: waiting one microtask, the first run's request never leaves
    // (a Depicta story would be created, and charged, twice).
    queueMicrotask(() => {
      if (stopped) return;
      const exchange = gate ? gate.take(controller.signal).then(() => (controller.signal.aborted ? null : send())) : send();
      exchange.then(
        (event) => {
          settled = true;
          if (event && parent) requestAnswered(parent, budgeted, event.type, sentAt, clockNow(system));
          if (event) gate?.answered(event as { type: string; retryAfterMs?: number }, sentAt);
          if (event && !stopped) sendEvent(event);
        },
        (error: unknown) => {
          settled = true;
          if (stopped) return;
          const message = error instanceof Error ? error.message : String(error);
          sendEvent({ type: 'http.transient', reason: 'protocol', message: `could not read the answer: ${message}` });
        },
      );
    });
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
  /**
   * A create (without an idempotency key) may have made a job, though no answer says so: the request went out and
   * its answer was lost (time-out, reset) or unreadable (a 2xx body we cannot read). Not: a 5xx or 408 answer (the
   * provider says it did not do it; Depicta documents "retry with back-off"), nor a connection never made. Unless
   * the app asked for such creates to be sent again (`resendUnconfirmedCreates`).
   */
  createMayExist: ({ context, event }: GuardArgs) => {
    const e = event as Partial<TransientEvent> & EventObject;
    if (e.type !== 'http.transient' || context.options.resendUnconfirmedCreates) return false;
    if (e.reason === 'server' || e.unsent) return false;
    return e.httpStatus === undefined || (e.httpStatus >= 200 && e.httpStatus <= 299);
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
  transport?: HttpTransport;
}

/** The HTTP request of one exchange of `call`: what to send, with the call's time-out, controller and transport. */
export function requestFor(
  call: Pick<ProviderCall, 'timeoutMs' | 'controller' | 'transport'> & { apiKey?: string },
  request: Omit<HttpRequest, 'timeoutMs' | 'controller' | 'transport' | 'secretForms'>,
): HttpRequest {
  return {
    ...request,
    timeoutMs: call.timeoutMs,
    controller: call.controller,
    transport: call.transport,
    secretForms: secretForms(call.apiKey),
  };
}

/** The {@link ProviderCall} of a request actor's run. */
export function providerCallOf({ context, apiKey, controller, now, transport }: RequestArgs<JobContext<unknown, unknown>>): ProviderCall {
  return { baseUrl: context.baseUrl, apiKey, timeoutMs: context.options.requestTimeoutMs, controller, now, transport };
}
