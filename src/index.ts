/** jobcharts: one XState v5 statechart per generation provider, run as an actor that ends in a typed outcome. */
export * from './perceptis.js';
export * from './markdown2pdf.js';
export * from './bland.js';
export * from './depicta.js';
export * from './cata.js';
export { settle, type JobOutcome, type JobError, type Rejection, type UnconfirmedCreate } from './core/outcome.js';
export type { RestoreInput } from './core/restore.js';
export {
  pollingJob,
  type PollingJob,
  type PollingJobConfig,
  type PollingJobContext,
  type PollingJobEvent,
  type PollingJobInput,
  type PollingJobOutcome,
  type PollingJobSnapshot,
  type ChartRequest,
  type ChartState,
  type OwnFields,
  type StateKit,
} from './core/polling-job.js';
export { jsonCall, type JsonCall } from './core/json-call.js';
export type { ProviderCall, ProviderRequest, ProviderWords } from './core/http.js';
export type { TimerDueEvent } from './core/clock.js';
export type { RejectionKind, HttpFailureEvent, RefusalEvent, RateLimitedEvent, TransientEvent, CancelEvent } from './core/events.js';
export type { JobInput, JobContext, LastAnswer } from './core/context.js';
export { SNAPSHOT_SCHEMA_VERSION } from './core/context.js';
export { defaultPollOptions, MAX_TIMER_MS, type PollOptions } from './core/options.js';
export { nextDelay, parseRetryAfter, type DelayInput, type WaitKind } from './core/delay.js';
export { setRateLimit, rateBudgetStats, clearRateBudgets } from './core/budget-registry.js';
export type { RateLimit, BudgetStats } from './core/rate-budget.js';
export { fetchTransport } from './core/transport/fetch.js';
export type { HttpTransport, TransportRequest, HttpAnswer, AnswerHeaders } from './core/transport/types.js';
export {
  defineProvider,
  type ProviderDefinition,
  type AnyProviderDefinition,
  type ProviderSimulator,
  type SimulatedProvider,
  type StandardRun,
  type PersonStep,
  type RequestOf,
  type ScriptOf,
} from './providers/define.js';
