/** `jobcharts/runner`: jobs that outlive the process — the runner interface, its embedded backend, and its core step. */
export { localRunner, type LocalRunnerConfig } from './runner/local.js';
export { stepJob, firstSnapshot, type StepJobInput, type StepResult, type RestoreInput, type PausedState } from './runner/step.js';
export type {
  Runner,
  RunnerConfig,
  RunnerClock,
  ApiKeys,
  JobView,
  PersonEvent,
  ProviderName,
  SubmitInput,
  SubmitOptions,
  WorkOptions,
} from './runner/types.js';
