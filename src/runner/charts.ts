/** The charts a runner steps, by provider name, and whether the provider needs a key. */
import type { AnyStateMachine } from 'xstate';
import { blandJob } from '../providers/bland/chart.js';
import { cataJob } from '../providers/cata/chart.js';
import { depictaJob } from '../providers/depicta/chart.js';
import { markdown2pdfJob } from '../providers/markdown2pdf/chart.js';
import { perceptisJob } from '../providers/perceptis/chart.js';

const charts: Record<string, { chart: AnyStateMachine; needsKey: boolean }> = {
  perceptis: { chart: perceptisJob, needsKey: true },
  depicta: { chart: depictaJob, needsKey: true },
  bland: { chart: blandJob, needsKey: true },
  cata: { chart: cataJob, needsKey: true },
  markdown2pdf: { chart: markdown2pdfJob, needsKey: false },
};

export function chartOf(provider: string): AnyStateMachine {
  const entry = Object.hasOwn(charts, provider) ? charts[provider] : undefined;
  if (!entry) throw new Error(`unknown provider '${provider}': choose one of ${Object.keys(charts).join(', ')}`);
  return entry.chart;
}

export const isProvider = (provider: string): boolean => Object.hasOwn(charts, provider);
