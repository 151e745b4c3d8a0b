/** The model-based suite of one chart: every generated path run for real, plain and restored at every step. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartInventory, CoverageRecorder } from '../../src/testing/chart.js';
import { generatePaths } from '../../src/testing/paths.js';
import { writeChartCoverage } from '../../src/testing/report.js';
import { runLifecyclePath } from '../../src/testing/run.js';
import type { ChartAdapter } from '../../src/testing/types.js';
import { unreachableReason } from '../../src/testing/unreachable.js';
import { simulator } from '../support/sim.js';

export function modelSuite(adapter: ChartAdapter) {
  const chart = adapter.chart.id;
  const paths = generatePaths(adapter);
  const recorder = new CoverageRecorder(chartInventory(adapter.chart));
  const reviewed = reviewedPaths(chart, paths.map((p) => p.description));

  describe(`${chart}: generated lifecycle paths`, () => {
    it.each(paths.map((p, i) => [p.description, p, i] as const))('%s', async (_, path, i) => {
      // The model is the chart: a changed chart (or a mutant of it) changes its paths, which must then be reviewed.
      expect(path.description).toBe(reviewed[i]);
      const plain = await runLifecyclePath(adapter, path, {
        sim: await simulator(undefined, adapter.simulatorOptions),
        recorder,
      });
      if (adapter.restorable?.(path) === false) return;
      const restored = await runLifecyclePath(adapter, path, {
        sim: await simulator(undefined, adapter.simulatorOptions),
        recorder,
        restoreAtEveryStep: true,
      });
      // One actor per state reached (the start, each step, the end restored again).
      expect(restored.actors).toBe(path.steps.length - restored.carriedSteps + (path.steps.length ? 2 : 3));
      const summary = (o: unknown) => {
        const out = o as { status: string; error?: { kind?: string; code?: string } };
        return { status: out.status, kind: out.error?.kind, code: out.error?.code };
      };
      expect(summary(plain.output).status).toBe(path.end);
      expect(summary(restored.output)).toEqual(summary(plain.output));
      // Same requests in the same order, but for the requests in flight when persisted, sent again and hung:
      // no second create, no extra poll.
      // (The runner checks each step's log exactly, hung requests included.)
      const answered = (requests: string[]) => requests.filter((r) => !r.endsWith(' hang'));
      expect(answered(restored.requests)).toEqual(answered(plain.requests));
    });

    it('generates the reviewed paths (test/model/paths/)', () => {
      expect(paths.map((p) => p.description)).toEqual(reviewed);
    });

    it('takes every state and transition of the chart (but those unreachable by design)', () => {
      const coverage = recorder.coverage();
      const report = writeChartCoverage(chart, coverage, unreachableReason, paths.length);
      expect(report[chart]).toBeDefined();
      expect(coverage.missedStates).toEqual([]);
      expect(coverage.missedTransitions.filter((id) => !unreachableReason(id))).toEqual([]);
      console.log(
        `${chart}: states ${coverage.states.covered}/${coverage.states.total}, transitions ${coverage.transitions.covered}/${coverage.transitions.total} (${paths.length} paths)`,
      );
    });
  });
}

/**
 * The paths as last reviewed, one description per line in test/model/paths/<chart>.txt. Written when missing or
 * with UPDATE_MODEL_PATHS=1 (then review the diff and commit it).
 */
function reviewedPaths(chart: string, current: string[]): string[] {
  const file = new URL(`./paths/${chart}.txt`, import.meta.url);
  if (process.env.UPDATE_MODEL_PATHS === '1' || !existsSync(file)) {
    mkdirSync(new URL('./paths/', import.meta.url), { recursive: true });
    writeFileSync(file, `${current.join('\n')}\n`);
  }
  return readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
}
