/** The table printed when the demo's jobs are done: how each ended, how many requests it took, how long. */
import pc from 'picocolors';
import { outcomeLabel } from './job-view.js';
import { padVisible as pad, visibleLength } from './text.js';

export interface SummaryRow {
  label: string;
  provider: string;
  outcome: { status: string; error?: { kind?: string; code?: string; message?: string } };
  expected: string;
  requests: number;
  ms: number;
}


export function summaryTable(rows: SummaryRow[], totalMs: number): string {
  const header = ['job', 'provider', 'outcome', '', 'requests', 'time'];
  const cells = rows.map((row) => [
    row.label,
    row.provider,
    outcomeLabel(row.outcome),
    row.outcome.status === row.expected ? pc.green('as expected') : pc.red(`expected ${row.expected}`),
    String(row.requests),
    `${(row.ms / 1000).toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...cells.map((c) => visibleLength(c[i]))));
  const line = (c: string[]) => c.map((cell, i) => (i >= 4 ? ' '.repeat(widths[i] - visibleLength(cell)) + cell : pad(cell, widths[i]))).join('  ');
  const requests = rows.reduce((sum, row) => sum + row.requests, 0);
  return [
    pc.bold(line(header)),
    pc.dim(widths.map((w) => '─'.repeat(w)).join('  ')),
    ...cells.map(line),
    pc.dim(widths.map((w) => '─'.repeat(w)).join('  ')),
    `${rows.length} jobs · ${requests} requests · ${(totalMs / 1000).toFixed(1)} s in all`,
  ].join('\n');
}
