/** How one job looks in the terminal: its state in words, a progress bar, when the next request goes out. */
import pc from 'picocolors';
import type { AnyMachineSnapshot, StateValue } from 'xstate';
import { plainText } from './terminal-safe.js';

/** The part of every chart's context the view reads (see src/core/context.ts). */
interface ViewContext {
  jobId?: unknown;
  progress?: number | null;
  wakeAt?: number | null;
  waitReason?: 'poll' | 'rateLimited' | 'retry' | 'budget' | 'person' | null;
  lastAnswer?: { httpStatus?: number; message?: string } | null;
  lastError?: string | null;
}

/**
 * The active states in words. Parallel regions are shown side by side without their region names:
 * `{ polling: { provider: 'processing', poller: 'waiting' } }` → `processing · waiting`.
 */
export function stateLabel(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [top, inner] = Object.entries(value)[0] ?? ['?', {}];
  const paths = leafPaths(inner as StateValue);
  if (paths.length <= 1) return [top, ...(paths[0] ?? [])].join(' · ');
  return paths.map((path) => path.slice(1).join('.')).join(' · ');
}

function leafPaths(value: StateValue | undefined): string[][] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [[value]];
  return Object.entries(value).flatMap(([key, child]) => {
    const below = leafPaths(child as StateValue);
    return below.length === 0 ? [[key]] : below.map((path) => [key, ...path]);
  });
}

export function progressBar(progress: number | null | undefined, width = 16): string {
  if (typeof progress !== 'number' || !Number.isFinite(progress)) return pc.dim('·'.repeat(width) + '    ');
  const p = Math.min(1, Math.max(0, progress));
  const full = Math.round(p * width);
  return pc.cyan('█'.repeat(full)) + pc.dim('░'.repeat(width - full)) + ` ${String(Math.round(p * 100)).padStart(3)}%`;
}

/** What the job is doing about the provider right now: requesting, or waiting (and why, and how long). */
export function nextStep(snapshot: AnyMachineSnapshot, now: number): string {
  const context = snapshot.context as ViewContext;
  if (snapshot.status !== 'active') return '';
  if (snapshot.hasTag('needs-input')) return pc.magenta('waiting for you');
  if (snapshot.hasTag('requesting')) return pc.dim('requesting…');
  if (typeof context.wakeAt === 'number') {
    const seconds = `${(Math.max(0, context.wakeAt - now) / 1000).toFixed(1)} s`;
    if (context.waitReason === 'rateLimited') return pc.yellow(`${plainText(String(context.lastAnswer?.httpStatus ?? 429))}: next try in ${seconds}`);
    if (context.waitReason === 'retry') return pc.yellow(`retry in ${seconds} (${plainText(context.lastError ?? 'transient failure')})`);
    return `next poll in ${seconds}`;
  }
  return '';
}

/** The outcome in one short phrase, coloured by how it ended. */
export function outcomeLabel(outcome: { status: string; error?: { kind?: string; code?: string; message?: string } }): string {
  const status = outcome.status;
  const detail = outcome.error ? ` (${plainText([outcome.error.kind, outcome.error.code].filter(Boolean).join(' '))})`.replace(' ()', '') : '';
  const text = status + (detail === ' ()' ? '' : detail);
  if (status === 'succeeded') return pc.green(text);
  if (status === 'cancelled') return pc.yellow(text);
  return pc.red(text);
}
