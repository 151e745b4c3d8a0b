/**
 * Restoring a persisted job trusts nothing the snapshot holds about where requests go. The contract, for every chart:
 *
 * - The restore input (`createActor(chart, { snapshot, input: { baseUrl, apiKey } })`) is authoritative: requests go
 *   to its `baseUrl` with its key, and the chart names the provider. A snapshot whose stored provider or base URL
 *   differs from them is refused.
 * - The stored context is parsed with a schema (the fields every chart shares, and the chart's own): a field of the
 *   wrong type, a time outside the calendar, a wait that would never end, a job id missing where the job polls, a
 *   state a job never rests in… are refused.
 * - The invoked actors are made again from the chart and the parsed context, never from the snapshot's children.
 *
 * A refused snapshot restores into the chart's `rejected` end, kind `invalid`, saying why: no request is sent.
 */
import * as z from 'zod/mini';
import { checkSchema, type Schema, type SchemaShape } from './schema.js';
import type { AnyActorScope, AnyStateMachine, AnyStateNode, StateValue } from 'xstate';
import { clockNow } from './clock.js';
import { connectionProblem, initialJobContext, SNAPSHOT_SCHEMA_VERSION, type JobSpec } from './context.js';
import { createSentAt } from './request-actor.js';
import type { UnconfirmedCreate } from './outcome.js';
import { resolveJobOptions, type PollOptions } from './options.js';
import { trimBaseUrl } from './url.js';

/** What a worker passes when it restores a job: where requests go and the key. Nothing else is read from it. */
export interface RestoreInput {
  baseUrl: string;
  apiKey?: string;
  signal?: AbortSignal;
}

/** What a chart tells the restore about itself: its job spec, and the schema and initial values of its own fields. */
export interface RestoreSpec<TRequest = unknown> extends JobSpec<TRequest> {
  /** The chart's context fields beside {@link JobContext}'s. */
  fields?: SchemaShape;
  /** Their values in a fresh job (a refused snapshot restores with these). */
  initialFields?: () => Record<string, unknown>;
  /**
   * Whether the provider finds the job a repeated create made (default true). When not (no idempotency key), a job
   * restored while its create was out ends rejected / unconfirmed rather than send it again (see {@link UnconfirmedCreate}).
   */
  idempotentCreate?: boolean;
  /** Checks of the chart's own across fields (e.g. markdown2pdf: its URLs are on the job's origin); a sentence, or null. */
  check?: (context: Record<string, unknown>) => string | null;
  /**
   * States (by id) whose request changes the job at the provider and may have reached it when the job was persisted
   * (e.g. Cata's answer), each with the state a job restored in it resumes in instead: one that reads where the job
   * stands before anything is sent again.
   */
  resumeInsteadOf?: Record<string, StateValue>;
}

/** A time on the job's clock: milliseconds within the range of a JavaScript `Date`. */
export const storedTime = z.number().check(z.gte(-8.64e15), z.lte(8.64e15));
const time = storedTime;
export const storedCount = z.int().check(z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER));
const count = storedCount;
/** A text a provider or the job wrote: bounded, so a stored context cannot hold a runaway one. */
export const storedText = z.string().check(z.maxLength(100_000));
const text = storedText;

const rejectionSchema = z.looseObject({
  kind: z.string().check(z.maxLength(100)),
  httpStatus: z.optional(z.int()),
  code: z.optional(z.string().check(z.maxLength(1_000))),
  message: text,
});

function outcomeSchema(jobId: Schema) {
  return z.discriminatedUnion('status', [
    z.looseObject({ status: z.literal('succeeded'), jobId, result: z.unknown() }),
    z.looseObject({ status: z.literal('failed'), jobId, error: z.looseObject({ code: z.optional(z.string()), message: text }) }),
    z.looseObject({ status: z.literal('rejected'), jobId: z.optional(jobId), error: rejectionSchema }),
    z.looseObject({ status: z.literal('timedOut'), jobId: z.optional(jobId) }),
    z.looseObject({ status: z.literal('cancelled'), jobId: z.optional(jobId) }),
  ]);
}

const schemas = new WeakMap<RestoreSpec<unknown>, Schema>();

/** The schema of a chart's stored context: made once per chart (zod compiles an object schema on its first parse). */
function contextSchema(spec: RestoreSpec<unknown>): Schema {
  let schema = schemas.get(spec);
  if (schema) return schema;
  schema = z.strictObject({
      schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
      provider: z.string(),
      baseUrl: z.string(),
      jobId: z.nullable(spec.jobIdSchema),
      request: z.nullable(spec.requestSchema),
      progress: z.nullable(z.number().check(z.gte(0), z.lte(1))),
      options: z.record(z.string(), z.unknown()),
      startedAt: time,
      deadlineAt: z.nullable(time),
      wakeAt: z.nullable(time),
      waitReason: z.nullable(z.enum(['poll', 'rateLimited', 'retry', 'budget', 'person'])),
      polls: count,
      retries: count,
      rateLimits: count,
      requests: count,
      lastAnswer: z.nullable(
        z.strictObject({
          at: time,
          event: z.string().check(z.maxLength(200)),
          httpStatus: z.optional(z.int()),
          message: z.optional(text),
        }),
      ),
      lastError: z.nullable(text),
      inputProblem: z.nullable(text),
      result: z.unknown(),
      outcome: z.nullable(outcomeSchema(spec.jobIdSchema)),
      ...spec.fields,
  });
  schemas.set(spec, schema);
  return schema;
}

interface Persisted {
  status?: unknown;
  value?: unknown;
  context?: unknown;
  children?: Record<string, unknown>;
}

/** The options as stored: a JSON round trip writes `Infinity` (no deadline, no limit) as null. */
function storedOptions(spec: RestoreSpec<unknown>, stored: Record<string, unknown>): { options: PollOptions } | { problem: string } {
  const revived = Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v === null ? Infinity : v]));
  const defaults = { ...spec.extraOptions?.defaults, ...spec.defaults } as Partial<PollOptions>;
  return resolveJobOptions(defaults, revived as Partial<PollOptions>, spec.extraOptions?.shape ?? {});
}

/** The snapshot, checked and rebuilt from the chart and the restore input; or why it is refused. */
export function checkedSnapshot(
  machine: AnyStateMachine,
  spec: RestoreSpec<unknown>,
  persisted: Persisted,
  scope: AnyActorScope,
): { snapshot: Record<string, unknown> } | { problem: string } {
  const input = restoreInputOf(scope);
  const provider = (persisted.context as { provider?: unknown } | undefined)?.provider;
  if (provider !== spec.provider) return { problem: `it is a snapshot of a ${JSON.stringify(provider)} job, not of a ${spec.provider} job` };
  const parsed = checkSchema(contextSchema(spec), persisted.context);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `its context.${issue.path.join('.')} is not valid: ${issue.message}` };
  }
  const context = parsed.data as Record<string, unknown> & StoredShared;
  const options = storedOptions(spec, context.options as Record<string, unknown>);
  if ('problem' in options) return { problem: `its context.${options.problem}` };
  context.options = options.options;

  let state: ReturnType<AnyStateMachine['resolveState']>;
  try {
    state = machine.resolveState({ value: persisted.value as never, context });
  } catch {
    return { problem: `its state ${JSON.stringify(persisted.value)?.slice(0, 200)} is not a state of the ${spec.provider} chart` };
  }
  const done = state.status === 'done';
  if ((persisted.status === 'done') !== done || (persisted.status !== 'active' && persisted.status !== 'done')) {
    return { problem: `its status ${JSON.stringify(persisted.status)} does not match its state` };
  }
  // Where requests go comes from the restore input, never from the snapshot; a finished job sends none.
  if (!done || input.baseUrl !== undefined) {
    const problem = connectionProblem(input, spec);
    if (problem) return { problem: `the restore input is not valid: ${problem}` };
    const baseUrl = trimBaseUrl(input.baseUrl as string);
    if (context.baseUrl !== baseUrl) {
      return { problem: `it was persisted for ${JSON.stringify(context.baseUrl)}, not for the restore input's baseUrl ${JSON.stringify(baseUrl)}` };
    }
  }
  const problem = stateProblem(state as unknown as RestingState, context) ?? spec.check?.(context) ?? null;
  if (problem) return { problem };

  const sentAt = spec.idempotentCreate === false ? unconfirmedCreateSentAt(machine, state as unknown as RestingState, persisted) : undefined;
  if (sentAt !== undefined && !(context.options as PollOptions).resendUnconfirmedCreates) {
    return { snapshot: restoredWhileCreating(context, sentAt) };
  }
  const resumeAt = Object.entries(spec.resumeInsteadOf ?? {}).find(([id]) => (state as unknown as RestingState)._nodes.some((n) => n.id === id));
  if (resumeAt) state = machine.resolveState({ value: resumeAt[1], context });
  const children = done ? {} : childrenOf(state as unknown as RestingState, context);
  return {
    snapshot: {
      status: state.status,
      value: state.value,
      historyValue: {},
      context,
      children,
      ...(done ? { output: context.outcome } : {}),
    },
  };
}

interface StoredShared {
  provider: string;
  baseUrl: string;
  jobId: unknown;
  request: unknown;
  options: unknown;
  deadlineAt: number | null;
  wakeAt: number | null;
  waitReason: string | null;
  outcome: unknown;
}

interface RestingState {
  _nodes: AnyStateNode[];
  status: string;
  value: unknown;
  hasTag(tag: string): boolean;
}

/** States before the job exists at the provider: the request is there to be sent, and there is no job id yet. */
const BEFORE_JOB = new Set(['submitting', 'paymentRequired']);

/** Whether the state and the context agree, so that the restored job can go on (and end). */
function stateProblem(state: RestingState, context: StoredShared): string | null {
  const where = JSON.stringify(state.value);
  if (state.status === 'done') return context.outcome === null ? `it has ended (${where}) without an outcome` : null;
  const passing = state._nodes.find((node) => node.always?.length && !node.tags.includes('waiting'));
  if (passing) return `it is in a state a job never rests in (${passing.id})`;
  const top = typeof state.value === 'string' ? state.value : Object.keys(state.value as object)[0];
  if (BEFORE_JOB.has(top)) {
    if (context.request === null) return `it is creating a job (${where}) but holds no request`;
    if (context.jobId !== null) return `it is creating a job (${where}) but already has a job id`;
  } else if (context.jobId === null) {
    return `it follows a job (${where}) but holds no job id`;
  }
  if (state.hasTag('waiting') && context.wakeAt === null) return `it waits (${where}) for no end (wakeAt is null)`;
  const options = context.options as PollOptions;
  const timedWait = context.waitReason !== null && context.waitReason !== 'person';
  if (timedWait && context.wakeAt !== null && context.deadlineAt !== null && context.wakeAt > context.deadlineAt + options.minDelayMs) {
    return `its wait ends (wakeAt ${context.wakeAt}) after its deadline (deadlineAt ${context.deadlineAt})`;
  }
  return null;
}

/** When the create in flight in the persisted job was sent; undefined when none was, or it may be sent again. */
function unconfirmedCreateSentAt(machine: AnyStateMachine, state: RestingState, persisted: Persisted): number | undefined {
  const creating = state._nodes.find((node) => node.id === `${machine.id}.submitting.requesting`);
  const invoke = creating?.invoke[0] as { id: string } | undefined;
  return invoke ? createSentAt(persisted.children?.[invoke.id]) : undefined;
}

/** The job ends at once, rejected / unconfirmed: its create was out when it was persisted, and is not sent again. */
function restoredWhileCreating(context: Record<string, unknown> & StoredShared, sentAt: number) {
  const unconfirmedCreate: UnconfirmedCreate = { sentAt, attempts: context.requests as number, reason: 'restored' };
  const outcome = {
    status: 'rejected' as const,
    error: {
      kind: 'unconfirmed' as const,
      message:
        'the job was persisted while its create was out: the create may have reached the provider; it was not sent ' +
        'again, since a second create would make a second job: the job may exist at the provider',
    },
    unconfirmedCreate,
  };
  return {
    status: 'done',
    value: 'rejected',
    historyValue: {},
    context: { ...context, wakeAt: null, waitReason: null, outcome },
    children: {},
    output: outcome,
  };
}

/** The actors the state invokes, made from the chart's own invoke definitions and the checked context. */
function childrenOf(state: RestingState, context: object): Record<string, unknown> {
  const children: Record<string, unknown> = {};
  for (const node of state._nodes) {
    for (const invoke of node.invoke as { id: string; src: string; input?: unknown }[]) {
      const input = typeof invoke.input === 'function' ? invoke.input({ context }) : invoke.input;
      children[invoke.id] = { src: invoke.src, syncSnapshot: false, snapshot: { status: 'active', ...(input === undefined ? {} : { input }) } };
    }
  }
  return children;
}

/** The input the restoring actor was created with (`createActor(chart, { snapshot, input })`). */
function restoreInputOf(scope: AnyActorScope): Partial<Record<keyof RestoreInput, unknown>> {
  const input = (scope.self as unknown as { options?: { input?: unknown } }).options?.input;
  return input && typeof input === 'object' ? (input as Record<string, unknown>) : {};
}

/**
 * The snapshot a refused one restores as: the chart's `rejected` end, kind `invalid`, with a fresh context (the
 * chart's provider, the restore input's base URL) that keeps only the stored job id, when it is a valid one, so that
 * the app can find the job again.
 */
export function refusedSnapshot(machine: AnyStateMachine, spec: RestoreSpec<unknown>, persisted: Persisted, scope: AnyActorScope, why: string) {
  const input = restoreInputOf(scope);
  const message = `cannot restore this snapshot: ${why}`;
  const stored = (persisted.context ?? {}) as { jobId?: unknown };
  const jobId = checkSchema(spec.jobIdSchema, stored.jobId).success ? stored.jobId : undefined;
  const base = initialJobContext(
    { baseUrl: typeof input.baseUrl === 'string' ? input.baseUrl : '', jobId } as never,
    spec,
    clockNow(scope.system),
  );
  const outcome = { status: 'rejected' as const, ...(jobId === undefined ? {} : { jobId }), error: { kind: 'invalid' as const, message } };
  const context = { ...base, ...spec.initialFields?.(), jobId: jobId ?? null, request: null, inputProblem: message, outcome };
  return machine.resolveState({ value: 'rejected', context, output: outcome });
}
