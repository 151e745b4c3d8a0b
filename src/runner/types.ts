/**
 * The runner: jobs that outlive any process. One interface, two backends — `localRunner` ('jobcharts/runner':
 * one process, jobs in a local SQLite file) and `bullmqRunner` ('jobcharts/bullmq': many processes, Redis).
 */
import type { InspectionEvent, Observer } from 'xstate';
import type { JobOutcome } from '../core/outcome.js';
import type { RateLimit } from '../core/rate-budget.js';

/** The providers a runner knows (the registry's), by the name `submit` takes. */
import type { ProviderName } from '../providers/registry.js';
export type { ProviderName };

/** What a person sends a job from any process: Cata's answer, markdown2pdf's payment, or a cancel. */
export type PersonEvent = { type: 'ANSWER'; text: string } | { type: 'PAID' } | { type: 'CANCEL' };

/** The keys a runner sends: one per provider, or a function of the provider and the job's `keyRef` (many tenants). */
export type ApiKeys = Partial<Record<string, string>> | ((provider: string, keyRef: string | undefined) => string | undefined);

/** What `submit` takes: the same as a job actor's input, without the key. */
export interface SubmitInput {
  baseUrl: string;
  request?: unknown;
  jobId?: unknown;
  options?: Record<string, unknown>;
}

export interface SubmitOptions {
  /** Which tenant's key the job uses: passed to `apiKeys` when it is a function. */
  keyRef?: string;
}

/** What `watch` shows of a job after each step. */
export interface JobView {
  id: string;
  provider: string;
  /** `active` until the job ends (`done`). */
  status: 'active' | 'done';
  /** The chart's state value. */
  value: unknown;
  tags: string[];
  progress: number | null;
  /** When the job's next step is due (its current wait ends); null: no wait, or waiting for a person without a limit. */
  wakeAt: number | null;
  waitReason: string | null;
  /** The job waits for a person (Cata's question, markdown2pdf's payment): `send` it ANSWER, PAID or CANCEL. */
  needsInput: boolean;
  /** Cata's question while it waits for an answer. */
  question?: string | null;
  /** Why the last answer was refused, in the provider's words. */
  answerProblem?: string | null;
  /** markdown2pdf's offers while it waits for a payment. */
  payment?: unknown;
  outcome?: JobOutcome<unknown, unknown>;
}

/** A clock like XState's (`SimulatedClock` in tests): the runner schedules steps and the charts time waits on it. */
export interface RunnerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  now?: () => number;
}

/** What both backends take. */
export interface RunnerConfig {
  /** The keys this process sends. Never stored: a worker supplies them at each step. */
  apiKeys?: ApiKeys;
  /**
   * Base URLs each provider's requests (and so its key) may go to, e.g. `{ perceptis: ['https://…'] }`. A job whose
   * stored base URL is not listed for its provider is never stepped with a key: it ends rejected / invalid.
   */
  baseUrls?: Partial<Record<string, string[]>>;
  /** The visualizer's inspector (`inspect({ url })` from 'jobcharts'): every step of every job is streamed to it. */
  inspect?: Observer<InspectionEvent>;
  /** One rate limit per key, shared by every job of the key (and, with bullmq, by every worker). */
  rateLimits?: Partial<Record<string, RateLimit>>;
}

export interface WorkOptions {
  /** Jobs stepped at once by this process (default 10). */
  concurrency?: number;
}

/** The one runner interface both backends implement. */
export interface Runner {
  /** Stores the job (its first snapshot, its idempotency key fixed) and resolves with its id before any request. */
  submit(provider: ProviderName | string, input: SubmitInput, options?: SubmitOptions): Promise<string>;
  /** Stores a person's event for the job, applied once and in order by the job's next step (from any process). */
  send(id: string, event: PersonEvent): Promise<void>;
  /** Calls `listener` with the job's view now and after each step; returns the function that stops watching. */
  watch(id: string, listener: (view: JobView) => void): () => void;
  /** Resolves with the chart's own typed outcome once the job has ended. */
  outcome(id: string): Promise<JobOutcome<unknown, unknown>>;
  /** This process steps jobs too, until `close()`. */
  work(options?: WorkOptions): Promise<void>;
  /** Stops working and watching; jobs in flight finish their step first. */
  close(): Promise<void>;
}
