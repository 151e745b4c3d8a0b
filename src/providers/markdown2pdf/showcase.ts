/** markdown2pdf.ai in `jobcharts demo`: an invoice PDF, paid for on its 402, then converted. */
import type { ShowcaseStory } from '../define.js';
import type { Markdown2pdfSim } from './simulator.js';

const invoiceMarkdown = '# Invoice 2026-014\n\n| item | amount |\n|---|---|\n| Consulting | 1 200 EUR |\n';

export const markdown2pdfShowcase: ShowcaseStory<Markdown2pdfSim>[] = [
  {
    label: 'invoice PDF (paid)',
    request: { data: { text_body: invoiceMarkdown, meta: { title: 'Invoice 2026-014' } }, options: { document_name: 'invoice.pdf' } },
    expect: 'succeeded',
    script: (sim) =>
      sim.scripts.push(
        {
          steps: [
            { status: 'Not Started' },
            { status: 'Processing', progress: 0.25 },
            { status: 'Processing', progress: 0.6 },
            { status: 'Processing', progress: 0.9 },
            { status: 'Done' },
          ],
        },
        (body) => (body as { data?: { text_body?: string } } | undefined)?.data?.text_body === invoiceMarkdown,
      ),
    // In the demo, saying "yes, paid" settles the invoice in the simulator (in real life the person pays it).
    beforeReply: (sim, job) => {
      const payment = (job.getSnapshot().context as { payment: { payment_context_token: string } | null }).payment;
      if (payment) sim.settlePayment(payment.payment_context_token);
    },
  },
];
