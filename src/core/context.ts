/**
 * What a job starts from: its input (`JobInput`), the context every chart shares (`JobContext`), and how the one is
 * made from the other — the input is checked here, and a problem ends the job rejected instead of throwing.
 */
import { checkSchema, type Schema, type SchemaShape } from './schema.js';
import type { HttpTransport } from './http.js';
import { resolveJobOptions, type PollOptions } from './options.js';
import { trimBaseUrl } from './url.js';
import type { JobOutcome } from './outcome.js';

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

export type AnyJobContext = JobContext<unknown, unknown>;

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

