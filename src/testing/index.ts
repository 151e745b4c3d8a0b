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
import { chartAdapters } from './adapters/index.js';
import { generatePaths } from './paths.js';
import type { ChartAdapter, LifecyclePath } from './types.js';

export type {
  AnswerStep,
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

/** Providers whose lifecycles can be generated. */
export const pathProviders = (): string[] => Object.keys(chartAdapters);

/** The adapter (answers, simulator set-up) of a chart or provider name. */
export function adapterFor(chartOrProvider: AnyStateMachine | string): ChartAdapter {
  const name = typeof chartOrProvider === 'string' ? chartOrProvider : chartOrProvider.id;
  const adapter = chartAdapters[name];
  if (!adapter) throw new Error(`no lifecycle paths for "${name}": known are ${pathProviders().join(', ')}`);
  return adapter;
}

const cache = new Map<string, LifecyclePath[]>();

/**
 * Every generated lifecycle of a chart: together they take every transition of the chart that can be taken, use
 * every kind of answer the provider can give, and each ends in a final state. JSON-serialisable.
 */
export function lifecyclePaths(chartOrProvider: AnyStateMachine | string): LifecyclePath[] {
  const adapter = adapterFor(chartOrProvider);
  const id = adapter.chart.id;
  if (!cache.has(id)) cache.set(id, generatePaths(adapter));
  return structuredClone(cache.get(id)!);
}

/** For `jobcharts paths <provider>`: the provider's lifecycle paths as plain JSON. */
export function providerPaths(provider: string): LifecyclePath[] {
  return lifecyclePaths(provider);
}
