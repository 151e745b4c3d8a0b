/** markdown2pdf.ai (paid per use: HTTP 402), as the command, the simulator, the visualizer and the tests know it (see ../define.ts). */
import { defineProvider } from '../define.js';
import { markdown2pdfJob } from './chart.js';
import { paymentDetails, priceOf } from './payment.js';
import type { Markdown2pdfPayment } from './schema.js';
import { Markdown2pdfSim, type Markdown2pdfSimOptions } from './simulator.js';
import { markdown2pdfShowcase } from './showcase.js';
import { markdown2pdfTesting } from './testing.js';

export const markdown2pdf = defineProvider({
  name: 'markdown2pdf',
  title: 'markdown2pdf.ai',
  makes: 'PDFs from markdown, paid per use (HTTP 402)',
  summary: 'PDF generation · pay on 402, then Not Started → Processing → Done',
  chart: markdown2pdfJob,
  baseUrlEnv: 'MARKDOWN2PDF_BASE_URL',
  sampleRequest: {
    data: { text_body: '# Quarterly report\n\nAll figures are up.', meta: { title: 'Q3', date: '5th June 2026' } },
    options: { document_name: 'q3.pdf' },
  },
  requestFromPrompt: (markdown) => ({ data: { text_body: markdown, meta: {} }, options: { document_name: 'converted.pdf' } }),
  personStep: async (job) => {
    const payment = (job.getSnapshot().context as { payment: Markdown2pdfPayment | null }).payment;
    const offer = payment?.offers[0];
    return {
      kind: 'confirm',
      text: `payment required: "${offer?.title ?? 'this document'}" for ${priceOf(offer)}. Pay it, then confirm it is paid`,
      ...(payment ? { details: await paymentDetails(payment) } : {}),
      automaticAnswer: 'yes',
      reply: () => ({ type: 'PAID' }),
    };
  },
  simulator: {
    create: (options?: Markdown2pdfSimOptions) => new Markdown2pdfSim(options),
    script: ({ inProgress, end }) => ({
      steps: [
        ...Array.from({ length: inProgress }, (_, i) =>
          i === 0 ? { status: 'Not Started' as const } : { status: 'Processing' as const, progress: i / (inProgress + 1) },
        ),
        end === 'succeeded' ? { status: 'Done' as const } : { status: 'Error' as const, status_meta: 'LaTeX compilation failed: undefined control sequence' },
      ],
    }),
  },
  showcase: markdown2pdfShowcase,
  testing: markdown2pdfTesting,
});
