/** The adapter of every chart that has one, by provider name (= chart id). */
import type { ChartAdapter } from '../types.js';
import { blandAdapter } from '../../providers/bland/testing.js';
import { cataAdapter } from '../../providers/cata/testing.js';
import { depictaAdapter } from '../../providers/depicta/testing.js';
import { markdown2pdfAdapter } from '../../providers/markdown2pdf/testing.js';
import { perceptisAdapter } from '../../providers/perceptis/testing.js';

export const chartAdapters: Record<string, ChartAdapter> = {
  perceptis: perceptisAdapter,
  depicta: depictaAdapter,
  bland: blandAdapter,
  markdown2pdf: markdown2pdfAdapter,
  cata: cataAdapter,
};
