import type { JobView, TimelineEntry } from '../protocol.js';
import { stateLabel } from '../state-value.js';
import { offerText } from './actions.js';
import { h } from './dom.js';
import { formatAge, formatClock, formatDuration, percent } from '../format.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The selected job's headline: provider, job id, status, progress, age. */
export function jobHeader(job: JobView, color: string, now: number, onClose: () => void): HTMLElement {
  const ended = job.status !== 'active';
  const tone = ended ? (job.outcome ?? job.status) : job.tags.includes('needs-input') ? 'needs-input' : 'active';
  const close = h('button', { class: 'ghost-button', type: 'button', title: 'Back to all charts' }, '← All charts');
  close.addEventListener('click', onClose);
  return h(
    'div',
    { class: 'job-header card', style: `--provider:${color}`, 'data-selected-key': job.key, 'data-provider': job.provider },
    h(
      'div',
      { class: 'job-header-main' },
      h('span', { class: 'provider-dot large' }),
      h('div', {}, h('div', { class: 'eyebrow' }, job.provider), h('div', { class: 'job-header-id mono' }, job.jobId ?? 'no job id yet')),
      h('span', { class: `pill tone-${tone}` }, ended ? (job.outcome ?? job.status) : tone === 'needs-input' ? 'waiting for you' : 'running'),
      job.connected ? null : h('span', { class: 'pill tone-muted' }, 'producer gone'),
    ),
    h(
      'div',
      { class: 'job-header-facts' },
      fact('State', ended ? (job.outcome ?? job.status) : stateLabel(job.value) || '…'),
      fact('Progress', percent(job.progress) || 'not reported'),
      fact('Age', formatAge((ended ? job.updatedAt : now) - job.startedAt)),
      fact('Session', job.sessionId),
      close,
    ),
    h('div', { class: `job-bar wide${job.progress === null ? ' unknown' : ''}` }, h('i', { style: `width:${job.progress === null ? (ended ? 100 : 0) : Math.round(job.progress * 100)}%` })),
  );
}

function fact(label: string, value: string): HTMLElement {
  return h('div', { class: 'fact' }, h('span', { class: 'fact-label' }, label), h('span', { class: 'fact-value' }, value));
}

/** What the job's context says: next poll, retries, the provider's last answer, questions and offers for a person. */
export function contextCard(job: JobView, now: number): HTMLElement {
  const c = job.context ?? {};
  const options = obj(c.options) ?? {};
  const rows: HTMLElement[] = [];
  const row = (label: string, ...value: Array<Node | string>) => rows.push(h('div', { class: 'kv' }, h('dt', {}, label), h('dd', {}, ...value)));

  const wakeAt = num(c.wakeAt);
  const reason = str(c.waitReason);
  if (wakeAt !== null && reason === 'person') {
    row('Person’s time', h('span', { class: 'strong' }, wakeAt >= now ? `ends in ${formatDuration(wakeAt - now)}` : 'up'), ` at ${formatClock(wakeAt)}`);
    row('Next request', 'once the person acts');
  } else if (wakeAt !== null) {
    const reasonText = reason === 'rateLimited' ? 'after a 429' : reason === 'retry' ? 'retry' : reason === 'poll' ? 'poll' : (reason ?? '');
    row('Next request', h('span', { class: 'strong' }, wakeAt >= now ? `in ${formatDuration(wakeAt - now)}` : 'due now'), ` at ${formatClock(wakeAt)}`, reasonText ? h('span', { class: `chip wait-${reason}` }, reasonText) : '');
  } else {
    row('Next request', job.status === 'active' ? (job.tags.includes('requesting') ? 'in flight' : '—') : 'none: the job has ended');
  }
  const maxRetries = num(options.maxRetries);
  row('Requests', String(num(c.requests) ?? 0), h('span', { class: 'muted' }, `  · ${num(c.polls) ?? 0} in-progress answers`));
  row('Retries', `${num(c.retries) ?? 0}${maxRetries !== null ? ` of ${maxRetries}` : ''}`, h('span', { class: 'muted' }, `  · 429s in a row: ${num(c.rateLimits) ?? 0}`));
  const lastError = str(c.lastError);
  if (lastError) row('Last failure', h('span', { class: 'warn' }, lastError));

  const last = obj(c.lastAnswer);
  if (last) {
    const status = num(last.httpStatus);
    row(
      'Last answer',
      h('span', { class: 'mono strong' }, str(last.event) ?? '?'),
      status !== null ? h('span', { class: 'chip' }, `HTTP ${status}`) : '',
      num(last.at) !== null ? h('span', { class: 'muted' }, ` ${formatClock(num(last.at)!)}`) : '',
      str(last.message) ? h('div', { class: 'answer-message' }, str(last.message)!) : '',
    );
  }

  const blocks: HTMLElement[] = [];
  const question = str(c.clarification) ?? str(obj(c.clarification)?.question);
  if (question) {
    blocks.push(
      h('div', { class: 'callout callout-person', 'data-testid': 'clarification' }, h('div', { class: 'callout-title' }, 'The provider asks'), h('div', { class: 'callout-body' }, question)),
    );
  }
  const offers = offersOf(c);
  if (offers.length) {
    blocks.push(
      h(
        'div',
        { class: 'callout callout-payment', 'data-testid': 'payment-offers' },
        h('div', { class: 'callout-title' }, 'Payment required: offers'),
        h('ul', { class: 'offers' }, ...offers.map((offer) => h('li', {}, offerText(offer)))),
      ),
    );
  }
  const outcome = obj(job.output) ?? obj(c.outcome);
  const error = obj(outcome?.error);
  if (error) {
    blocks.push(
      h(
        'div',
        { class: 'callout callout-error' },
        h('div', { class: 'callout-title' }, [str(error.kind), str(error.code), num(error.httpStatus) !== null ? `HTTP ${num(error.httpStatus)}` : null].filter(Boolean).join(' · ') || 'error'),
        h('div', { class: 'callout-body' }, str(error.message) ?? ''),
      ),
    );
  }

  return h(
    'section',
    { class: 'card context-card' },
    h('h3', { class: 'card-title' }, 'Context'),
    ...blocks,
    h('dl', { class: 'kv-list' }, ...rows),
    h('details', { class: 'raw' }, h('summary', {}, 'Full context (redacted)'), h('pre', { class: 'mono' }, JSON.stringify(job.context, null, 2))),
  );
}

function offersOf(c: Json): unknown[] {
  for (const candidate of [c.offers, obj(c.payment)?.offers, obj(c.paymentRequired)?.offers]) if (Array.isArray(candidate)) return candidate;
  return [];
}

const KIND_LABEL: Record<TimelineEntry['kind'], string> = {
  start: 'start',
  request: 'request',
  answer: 'answer',
  wait: 'wait',
  rateLimited: '429',
  retry: 'retry',
  refusal: 'refused',
  person: 'person',
  end: 'end',
  event: 'event',
};

/**
 * The job's events, oldest first; stays scrolled to the newest unless the reader scrolled up. Each entry
 * (`data-timeline-index`) can be picked to replay the job as it was then; `picked` is the one being replayed.
 */
export function timelineCard(entries: TimelineEntry[], previous: HTMLElement | null, picked: number | null, onPick: (index: number) => void): HTMLElement {
  const oldList = previous?.querySelector<HTMLElement>('.timeline');
  const stickToEnd = picked === null && (!oldList || oldList.scrollTop + oldList.clientHeight >= oldList.scrollHeight - 8);
  const list = h(
    'ol',
    { class: 'timeline', role: 'listbox', 'aria-label': 'Timeline: pick an entry to replay' },
    ...entries.map((entry, index) =>
      h(
        'li',
        {
          class: `tl tl-${entry.kind}`,
          'data-kind': entry.kind,
          'data-timeline-index': index,
          role: 'option',
          tabindex: -1,
          'aria-selected': picked === index ? 'true' : 'false',
        },
        h('span', { class: 'tl-time mono' }, formatClock(entry.at)),
        h('span', { class: 'tl-dot' }),
        h('span', { class: 'tl-kind' }, KIND_LABEL[entry.kind] ?? entry.kind),
        h('span', { class: 'tl-text' }, h('span', { class: 'tl-title' }, entry.title), entry.detail ? h('span', { class: 'tl-detail' }, entry.detail) : null),
      ),
    ),
  );
  list.addEventListener('click', (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[data-timeline-index]');
    if (item) onPick(Number(item.dataset.timelineIndex));
  });
  const card = h(
    'section',
    { class: 'card timeline-card' },
    h('h3', { class: 'card-title' }, 'Timeline', h('span', { class: 'muted count' }, `${entries.length} events · pick one to replay`)),
    entries.length ? list : h('p', { class: 'muted empty-note' }, 'No events yet.'),
  );
  requestAnimationFrame(() => {
    if (picked !== null) list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
    else if (stickToEnd) list.scrollTop = list.scrollHeight;
    else if (oldList) list.scrollTop = oldList.scrollTop;
  });
  return card;
}
