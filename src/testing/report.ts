/** The coverage report of the model-based tests: one entry per chart, as `reports/model-coverage.json` holds it. */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartCoverage, Tally } from './chart.js';

export interface ChartReport {
  states: Tally;
  transitions: Tally;
  /** Transitions not taken, with why (unreachable by design) or `null` (a gap). */
  missed?: Record<string, string | null>;
  paths?: number;
}

export const REPORT_DIR = 'reports';
const PART_DIR = join(REPORT_DIR, 'model-coverage');
export const REPORT_FILE = join(REPORT_DIR, 'model-coverage.json');

/** Writes one chart's coverage, then the combined report of every chart measured so far. */
export function writeChartCoverage(chart: string, coverage: ChartCoverage, reasons: (id: string) => string | undefined, paths: number) {
  mkdirSync(PART_DIR, { recursive: true });
  const report: ChartReport = {
    states: coverage.states,
    transitions: coverage.transitions,
    missed: Object.fromEntries(coverage.missedTransitions.map((id) => [id, reasons(id) ?? null])),
    paths,
  };
  writeFileSync(join(PART_DIR, `${chart}.json`), `${JSON.stringify(report, null, 2)}\n`);
  return mergeReports();
}

/** Combines the per-chart parts into {@link REPORT_FILE}: `{ "<chart id>": { states, transitions } }`. */
export function mergeReports(): Record<string, ChartReport> {
  mkdirSync(PART_DIR, { recursive: true });
  const combined: Record<string, ChartReport> = {};
  for (const file of readdirSync(PART_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const part = JSON.parse(readFileSync(join(PART_DIR, file), 'utf8')) as ChartReport;
    combined[file.replace(/\.json$/, '')] = { states: part.states, transitions: part.transitions };
  }
  const tmp = `${REPORT_FILE}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(combined, null, 2)}\n`);
  renameSync(tmp, REPORT_FILE);
  return combined;
}

/** The table `npm run test:model` prints. */
export function coverageTable(): string {
  mergeReports();
  const rows: string[][] = [['chart', 'states', 'transitions', 'paths', 'not taken (by design)']];
  for (const file of readdirSync(PART_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const part = JSON.parse(readFileSync(join(PART_DIR, file), 'utf8')) as ChartReport;
    const missed = Object.entries(part.missed ?? {});
    const gaps = missed.filter(([, reason]) => reason === null).length;
    rows.push([
      file.replace(/\.json$/, ''),
      `${part.states.covered}/${part.states.total}`,
      `${part.transitions.covered}/${part.transitions.total}`,
      String(part.paths ?? ''),
      `${missed.length - gaps}${gaps ? `, ${gaps} GAPS` : ''}`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}
