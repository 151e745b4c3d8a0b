/** `jobcharts/markdown2pdf`: the markdown2pdf.ai PDF chart (paid per use with HTTP 402) and its types. */
export {
  markdown2pdfJob,
  type Markdown2pdfContext,
  type Markdown2pdfJobInput,
  type Markdown2pdfOutcome,
  type PaidEvent,
} from '../machines/markdown2pdf.js';
export type { Markdown2pdfOffer, Markdown2pdfPayment, Markdown2pdfRequest, Markdown2pdfResult } from './providers/markdown2pdf/schema.js';
export { settle, type JobOutcome, type JobError, type Rejection } from './core/outcome.js';
