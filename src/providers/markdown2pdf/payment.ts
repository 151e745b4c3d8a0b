/**
 * What a person needs to pay a markdown2pdf 402: each offer with its price, and an invoice for the first one,
 * asked for at the `payment_request_url` the 402 named (L402: `{ offer_id, payment_context_token, payment_method }`).
 */
import type { Markdown2pdfOffer, Markdown2pdfPayment } from './schema.js';
import { postJson } from './post-json.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Provider text goes to a terminal: no control characters (they could move the cursor or rewrite the screen). */
const printable = (value: unknown, max = 400) => String(value ?? '').replace(CONTROL, ' ').slice(0, max);

export function priceOf(offer: Markdown2pdfOffer | undefined): string {
  if (offer?.amount == null) return 'a price not stated';
  return printable(`${offer.amount} ${offer.currency ?? ''}`.trim(), 40);
}

function offerLine(offer: Markdown2pdfOffer, index: number): string {
  const kind = typeof offer.type === 'string' ? `, ${printable(offer.type, 40)}` : '';
  const methods = offer.payment_methods.length ? `, pay with ${printable(offer.payment_methods.join(' or '), 80)}` : '';
  const description = offer.description ? ` — ${printable(offer.description, 200)}` : '';
  return `offer ${index + 1}: "${printable(offer.title ?? offer.id, 120)}" for ${priceOf(offer)}${kind}${methods}${description}`;
}

/** Lines to show before asking; the invoice line says why there is none when the provider would not give one. */
export async function paymentDetails(payment: Markdown2pdfPayment): Promise<string[]> {
  const lines = payment.offers.map(offerLine);
  const offer = payment.offers[0];
  const method = offer?.payment_methods[0];
  if (!offer || !method) return [...lines, 'invoice: none asked for (the offer names no payment method)'];
  const answer = await postJson(payment.payment_request_url, {
    offer_id: offer.id,
    payment_context_token: payment.payment_context_token,
    payment_method: method,
  });
  const invoice = answer.ok ? (answer.body as { payment_request?: { payment_request?: unknown } } | undefined)?.payment_request?.payment_request : undefined;
  if (typeof invoice === 'string' && invoice) return [...lines, `invoice for offer 1 (${printable(method, 40)}): ${printable(invoice, 2_000)}`];
  return [...lines, `invoice: the provider gave none (${printable(answer.ok ? 'no payment_request in its answer' : answer.problem, 300)})`];
}
