/**
 * `jobcharts/testing`: every lifecycle of every chart, generated from the chart itself, for an app's own tests.
 *
 * ```ts
 * import { lifecyclePaths, runLifecyclePath, adapterFor } from 'jobcharts/testing';
 * for (const path of lifecyclePaths(perceptisJob)) {
 *   // path.description, path.answers (what the simulator answers), path.steps[i].expect (where the job is)
 * }
 * ```
 */
import type { AnyStateMachine } from 'xstate';
import type { AnyProviderDefinition } from '../providers/define.js';
import { adapterOfDefinition, providersWithPaths, registeredAdapter } from './adapters/index.js';
import { generatePaths } from './paths.js';
import type { ChartAdapter, LifecyclePath } from './types.js';

export type {
  AnswerStep,
  AnswerVariant,
  ChartAdapter,
  ExpectedRequest,
  ExpectedState,
  LifecyclePath,
  ModelEvent,
  PathStep,
  ScriptedAnswer,
  StartMode,
} from './types.js';
export { chartInventory, CoverageRecorder, type ChartCoverage, type ChartInventory, type ChartTransition } from './chart.js';
export { runLifecyclePath, type RunOptions, type RunResult } from './run.js';
export { unreachableByDesign } from './unreachable.js';
export { pollingAdapter, MODEL_OPTIONS, type PollingProviderSpec } from './adapters/polling.js';
export { failureAnswers, rateLimitedAnswers, transientAnswers, refusalAnswers } from './adapters/shared.js';

/** A chart to generate lifecycles of: a registered chart or provider name, a provider definition, or an adapter. */
export type LifecycleSubject = AnyStateMachine | string | AnyProviderDefinition | ChartAdapter;

/** Providers whose lifecycles can be generated. */
export const pathProviders = (): string[] => providersWithPaths();

const isAdapter = (subject: object): subject is ChartAdapter => 'arrange' in subject && 'answers' in subject;
const isDefinition = (subject: object): subject is AnyProviderDefinition => 'sampleRequest' in subject && 'chart' in subject;

/** The adapter (answers, simulator set-up) of a chart, a provider name, a provider definition (its `testing`), or itself. */
export function adapterFor(subject: LifecycleSubject): ChartAdapter {
  if (typeof subject === 'object' && isAdapter(subject)) return subject;
  const adapter = typeof subject === 'object' && isDefinition(subject) ? adapterOfDefinition(subject) : registeredAdapter(typeof subject === 'string' ? subject : subject.id);
  if (!adapter) {
    const name = typeof subject === 'string' ? subject : 'name' in subject ? subject.name : (subject as AnyStateMachine).id;
    throw new Error(`no lifecycle paths for "${name}": known are ${pathProviders().join(', ')}, or a definition with \`testing\``);
  }
  return adapter;
}

const cache = new WeakMap<ChartAdapter, LifecyclePath[]>();

/**
 * Every generated lifecycle of a chart: together they take every transition of the chart that can be taken, use
 * every kind of answer the provider can give, and each ends in a final state. JSON-serialisable.
 */
export function lifecyclePaths(subject: LifecycleSubject): LifecyclePath[] {
  const adapter = adapterFor(subject);
  if (!cache.has(adapter)) cache.set(adapter, generatePaths(adapter));
  return structuredClone(cache.get(adapter)!);
}

/** For `jobcharts paths <provider>`: the provider's lifecycle paths as plain JSON. */
export function providerPaths(provider: string): LifecyclePath[] {
  return lifecyclePaths(provider);
}
