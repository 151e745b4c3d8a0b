/**
 * One step of a stored job, as both runners take it: nothing stored is trusted to say where requests go. The key
 * comes from the runner's config; the job's stored base URL must be one the config allows for its provider, and the
 * snapshot must be of that provider and base URL; a snapshot of a newer layout is left for a newer worker.
 */
import { SNAPSHOT_SCHEMA_VERSION } from '../core/context.js';
import type { RequestGate } from '../core/start-input.js';
import type { JobOutcome } from '../core/outcome.js';
import { trimBaseUrl } from '../core/url.js';
import { chartOf, createIsAtMostOnce } from './charts.js';
import { inspectAsJob } from './inspect-session.js';
import { baseUrlProblem, keyFor } from './keys.js';
import { stepJob, type StepJobInput, type StepResult } from './step.js';
import type { JobView, PersonEvent, RunnerClock, RunnerConfig, SubmitInput } from './types.js';
import { dueAtOf, viewOf } from './view.js';

/** A job as a store keeps it: no key anywhere. */
export interface StoredJob {
  id: string;
  provider: string;
  input: SubmitInput;
  keyRef?: string;
  snapshot: unknown;
}

/**
 * Whether the job's next step may send its create, for a provider whose create is not idempotent (see
 * `createIsAtMostOnce`: no idempotency key, so a second POST makes a second job). Such a step marks the job in
 * the store as the create leaves (the gate, in the same write as its lock check, after any wait for the budget), and
 * the mark is cleared with the step's result: a mark found by the next step means a worker died while the create may
 * have been out, so it is not sent again.
 */
export function mayCreate(job: StoredJob): boolean {
  const snapshot = job.snapshot as { status?: string; context?: { jobId?: unknown } } | null;
  return createIsAtMostOnce(job.provider) && snapshot?.status === 'active' && snapshot.context?.jobId == null;
}

export type StoredStep =
  | { kind: 'stepped'; snapshot: unknown; view: JobView; dueAt: number | null; outcome?: JobOutcome<unknown, unknown>; result?: StepResult }
  /** Not this worker's to step (a newer snapshot layout): try again at `retryAt`, leaving the job as it is. */
  | { kind: 'left'; reason: string; retryAt: number };

/** How long a job of a newer snapshot layout waits for a newer worker before this one looks at it again. */
const NEWER_LAYOUT_RETRY_MS = 60_000;

/** How a runner takes part in a step: its clock, its gate before each request, what it knows of the last step. */
export interface StepHooks {
  clock?: RunnerClock;
  /** Passed before each request: the runner's lock check and create mark, and (bullmq) the key's budget. */
  gate?: RequestGate;
  /** A step before this one was cut off while it may have sent the create (see {@link mayCreate}). */
  createMayHaveBeenSent?: boolean;
  /** Aborted: the step stops at once (its job is cancelled in memory; the caller writes nothing). */
  signal?: AbortSignal;
  /** Stores a snapshot mid-step: after the person events, and once the job has its id (see `StepJobInput.checkpoint`). */
  checkpoint?: StepJobInput['checkpoint'];
  /** Where a person's event from the visualizer's page goes: the runner's `send` for this job. */
  sendToJob?: (event: PersonEvent) => void;
}

export async function stepStoredJob(
  config: RunnerConfig,
  job: StoredJob,
  events: readonly PersonEvent[],
  { clock, gate, createMayHaveBeenSent = false, signal, checkpoint, sendToJob }: StepHooks = {},
): Promise<StoredStep> {
  const now = clock?.now ? clock.now() : Date.now();
  const chart = chartOf(job.provider);
  const context = (job.snapshot as { context?: Record<string, unknown> } | null)?.context;
  const version = context?.schemaVersion;
  if (typeof version === 'number' && version > SNAPSHOT_SCHEMA_VERSION) {
    return { kind: 'left', reason: `snapshot schema version ${version} is newer than this worker's ${SNAPSHOT_SCHEMA_VERSION}`, retryAt: now + NEWER_LAYOUT_RETRY_MS };
  }
  const problem = storedJobProblem(config, job, context);
  if (problem) return endedWithout(job, 'invalid', `cannot step this job: ${problem}`, context);
  if (createMayHaveBeenSent && mayCreate(job)) {
    const message =
      `a worker stopped while the create may have been on its way to ${job.provider}, which cannot tell a second ` +
      'create from a new job: it was not sent again (the job may exist at the provider)';
    return endedWithout(job, 'unconfirmed', message, context);
  }
  const apiKey = keyFor(config, job.provider, job.keyRef) ?? '';
  const result = await stepJob(chart, {
    snapshot: job.snapshot,
    input: { baseUrl: job.input.baseUrl, apiKey, ...(gate ? { gate } : {}), ...(signal ? { signal } : {}) },
    events,
    ...(clock ? { clock } : {}),
    ...(config.inspect ? { inspect: inspectAsJob(config.inspect, job.id, sendToJob) } : {}),
    ...(checkpoint ? { checkpoint } : {}),
  });
  const view = viewOf(job.id, job.provider, result.state, result.outcome);
  return { kind: 'stepped', snapshot: result.snapshot, view, dueAt: dueAtOf(result, now), ...(result.outcome ? { outcome: result.outcome } : {}), result };
}

/** Why the stored job may not be stepped with this runner's key (a store written by someone else), or null. */
function storedJobProblem(config: RunnerConfig, job: StoredJob, context: Record<string, unknown> | undefined): string | null {
  const urlProblem = baseUrlProblem(config, job.provider, job.input?.baseUrl);
  if (urlProblem) return urlProblem;
  if (!context) return 'the stored snapshot has no context';
  if (context.provider !== job.provider) return `the stored snapshot is of provider ${JSON.stringify(context.provider)}, the job of ${job.provider}`;
  if (typeof context.baseUrl !== 'string' || trimBaseUrl(context.baseUrl) !== trimBaseUrl(job.input.baseUrl)) {
    return "the stored snapshot's base URL is not the job's";
  }
  return null;
}

/** Ends a job the runner refuses to step: rejected, saying why, with nothing sent. */
function endedWithout(job: StoredJob, kind: 'invalid' | 'unconfirmed', message: string, context: Record<string, unknown> | undefined): StoredStep {
  const jobId = context?.jobId;
  const outcome = {
    status: 'rejected',
    ...(jobId === null || jobId === undefined ? {} : { jobId }),
    error: { kind, message },
  } as JobOutcome<unknown, unknown>;
  const view = viewOf(job.id, job.provider, { value: 'rejected', tags: [], context: { progress: null }, status: 'done' }, outcome);
  return { kind: 'stepped', snapshot: null, view, dueAt: null, outcome };
}
