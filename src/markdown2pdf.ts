/** `jobcharts/markdown2pdf`: the markdown2pdf.ai PDF chart (paid per use with HTTP 402) and its types. */
import { markdown2pdfJob as chart } from './providers/markdown2pdf/chart.js';
import { appFacing } from './core/app-events.js';
export type {
  Markdown2pdfContext,
  Markdown2pdfJobInput,
  Markdown2pdfOutcome,
  PaidEvent,
} from './providers/markdown2pdf/chart.js';
export type { Markdown2pdfOffer, Markdown2pdfPayment, Markdown2pdfRequest, Markdown2pdfResult } from './providers/markdown2pdf/schema.js';
export * from './core/essentials.js';

/** The markdown2pdf chart, accepting from outside only the events a person or an app may send (see app-events.ts). */
export const markdown2pdfJob = appFacing(chart);
