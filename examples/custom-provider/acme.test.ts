/**
 * Every generated lifecycle of the Acme chart, run for real: the job actor over HTTP against Acme's simulated side,
 * in simulated time, persisted and restored in every state it reaches. Together the paths take every state and
 * every transition of the chart that a single job can take.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator } from 'jobcharts/simulator';
import { adapterFor, chartInventory, CoverageRecorder, lifecyclePaths, runLifecyclePath, unreachableByDesign } from 'jobcharts/testing';
import { acme } from './provider.js';

const adapter = adapterFor(acme);
const paths = lifecyclePaths(acme);
const recorder = new CoverageRecorder(chartInventory(acme.chart));
const unreachable = (transition: string) => unreachableByDesign.some((u) => transition.endsWith(u.suffix));

describe('Acme Transcribe: every generated lifecycle path, over HTTP', () => {
  it.each(paths.map((path) => [path.description, path] as const))('%s', async (_, path) => {
    const sim = await startSimulator({ providers: [acme], ...adapter.simulatorOptions });
    try {
      const run = await runLifecyclePath(adapter, path, { sim, recorder, restoreAtEveryStep: true });
      expect((run.output as { status: string }).status).toBe(path.end);
      expect(sim.requests('acme').length).toBeGreaterThanOrEqual(path.start === 'invalid' ? 0 : 1);
    } finally {
      await sim.close();
    }
  });

  it('the paths take every state and every transition a job can take', () => {
    const coverage = recorder.coverage();
    expect(coverage.missedStates).toEqual([]);
    expect(coverage.missedTransitions.filter((id) => !unreachable(id))).toEqual([]);
    console.log(`acme: states ${coverage.states.covered}/${coverage.states.total}, transitions ${coverage.transitions.covered}/${coverage.transitions.total} (${paths.length} paths)`);
  });
});
