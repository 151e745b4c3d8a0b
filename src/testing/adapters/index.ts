/** The adapter of every chart that has one, by provider name (= chart id). */
import type { ChartAdapter } from '../types.js';
import { blandAdapter } from './bland.js';
import { cataAdapter } from './cata.js';
import { depictaAdapter } from './depicta.js';
import { markdown2pdfAdapter } from './markdown2pdf.js';
import { perceptisAdapter } from './perceptis.js';

export const chartAdapters: Record<string, ChartAdapter> = {
  perceptis: perceptisAdapter,
  depicta: depictaAdapter,
  bland: blandAdapter,
  markdown2pdf: markdown2pdfAdapter,
  cata: cataAdapter,
};
