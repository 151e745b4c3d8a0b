/** `jobcharts/bullmq`: the runner on BullMQ + Redis, for many worker processes. */
export { bullmqRunner, type BullmqRunnerConfig } from './bullmq/runner.js';
export type { Runner, RunnerConfig, ApiKeys, JobView, PersonEvent, ProviderName, SubmitInput, SubmitOptions, WorkOptions } from './runner/types.js';
