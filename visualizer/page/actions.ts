import type { JobView } from '../protocol.js';
import type { PersonEvent } from '../../src/inspect/person-events.js';
import { h } from './dom.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Why a job's form is disabled when its producer streams with the stock `@statelyai/inspect` inspector. */
export const NO_WAY_BACK =
  'This job’s app streams with the stock @statelyai/inspect inspector, which has no way back: act in the app, or connect it with jobcharts’ inspect().';

/**
 * What a person can do with the selected job, from the page: cancel a live job, answer Cata's question, say a
 * markdown2pdf offer is paid. Kept in place between renders (a half-typed answer survives updates); rebuilt only
 * when what the job asks for changes.
 */
export class ActionPanel {
  readonly element = h('section', { class: 'card actions-card', hidden: true });
  private signature = '';
  private status = h('p', { class: 'action-status muted', role: 'status' });

  constructor(private readonly send: (key: string, event: PersonEvent) => void) {}

  update(job: JobView | undefined, replaying: boolean): void {
    const ask = job && job.status === 'active' && !replaying ? askOf(job) : null;
    const signature = job && ask ? JSON.stringify([job.key, job.acceptsEvents, ask]) : '';
    if (signature === this.signature) return;
    this.signature = signature;
    this.element.hidden = !ask;
    if (!job || !ask) return this.element.replaceChildren();
    const disabled = !job.acceptsEvents;
    const parts: Node[] = [h('h3', { class: 'card-title' }, ask.kind === 'answer' ? 'Answer the provider' : ask.kind === 'pay' ? 'Payment' : 'This job')];
    if (ask.kind === 'answer') parts.push(this.answerForm(job.key, ask.question, disabled));
    if (ask.kind === 'pay') parts.push(...this.payForm(job.key, ask, disabled));
    const cancel = h('button', { class: 'ghost-button danger', type: 'button', 'data-action': 'cancel', disabled }, 'Cancel job');
    cancel.addEventListener('click', () => this.fire(job.key, { type: 'CANCEL' }));
    parts.push(h('div', { class: 'action-row' }, cancel));
    if (disabled) parts.push(h('p', { class: 'action-disabled warn', 'data-testid': 'actions-disabled' }, NO_WAY_BACK));
    this.status.textContent = '';
    parts.push(this.status);
    this.element.replaceChildren(...parts);
  }

  /** The hub's word on a sent event. */
  result(key: string, ok: boolean, reason?: string): void {
    if (!this.signature.includes(JSON.stringify(key))) return;
    this.status.textContent = ok ? 'Sent to the app.' : `Not sent: ${reason ?? 'refused'}`;
    this.status.className = `action-status ${ok ? 'muted' : 'warn'}`;
  }

  private fire(key: string, event: PersonEvent): void {
    this.status.textContent = 'Sending…';
    this.send(key, event);
  }

  private answerForm(key: string, question: string, disabled: boolean): HTMLElement {
    const input = h('textarea', { class: 'answer-input', rows: 3, placeholder: 'Your answer', 'aria-label': 'Your answer', disabled, maxlength: 4000 });
    const submit = h('button', { class: 'primary-button', type: 'submit', 'data-action': 'answer', disabled }, 'Send answer');
    const form = h('form', { class: 'answer-form' }, h('p', { class: 'callout-body' }, question), input, h('div', { class: 'action-row' }, submit));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (text) this.fire(key, { type: 'ANSWER', text });
    });
    return form;
  }

  private payForm(key: string, ask: { offers: string[]; invoiceUrl: string | null }, disabled: boolean): Node[] {
    const paid = h('button', { class: 'primary-button', type: 'button', 'data-action': 'pay', disabled }, 'I have paid');
    paid.addEventListener('click', () => this.fire(key, { type: 'PAID' }));
    const parts: Node[] = [
      h('p', { class: 'muted' }, 'The provider asks for payment before it makes the PDF. Pay one offer, then tell the job:'),
      h('ul', { class: 'offers', 'data-testid': 'pay-offers' }, ...ask.offers.map((text) => h('li', {}, text))),
    ];
    if (ask.invoiceUrl) parts.push(h('p', { class: 'muted' }, 'Invoice: ask at ', h('span', { class: 'mono' }, ask.invoiceUrl)));
    parts.push(h('div', { class: 'action-row' }, paid));
    return parts;
  }
}

type Ask = { kind: 'cancel' } | { kind: 'answer'; question: string } | { kind: 'pay'; offers: string[]; invoiceUrl: string | null };

/** What the job needs from a person now: an answer, a payment, or nothing (it can still be cancelled). */
function askOf(job: JobView): Ask {
  const c = job.context ?? {};
  const waiting = job.tags.includes('needs-input');
  const question = str(c.clarification) ?? str(obj(c.clarification)?.question);
  if (waiting && question) return { kind: 'answer', question };
  const payment = obj(c.payment);
  if (waiting && payment && Array.isArray(payment.offers)) {
    return { kind: 'pay', offers: payment.offers.map(offerText), invoiceUrl: str(payment.payment_request_url) };
  }
  return { kind: 'cancel' };
}

export function offerText(offer: unknown): string {
  const o = obj(offer);
  if (!o) return String(offer);
  const parts = [str(o.id), str(o.title) ?? str(o.description), o.amount !== undefined ? `${String(o.amount)} ${str(o.currency) ?? ''}`.trim() : null];
  const methods = Array.isArray(o.payment_methods) ? o.payment_methods.join(', ') : Array.isArray(o.paymentMethods) ? o.paymentMethods.join(', ') : null;
  if (methods) parts.push(`via ${methods}`);
  return parts.filter(Boolean).join(' · ') || JSON.stringify(o);
}
