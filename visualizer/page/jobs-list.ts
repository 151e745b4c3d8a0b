import type { JobView } from '../protocol.js';
import { stateLabel } from '../state-value.js';
import { h } from './dom.js';
import { formatAge, percent, shortId } from '../format.js';

export const ROW_HEIGHT = 66;
/** Rows drawn above and below the visible ones, so scrolling never shows a gap. */
const OVERSCAN = 6;

/** The live jobs as a virtual list: only the rows in view exist in the DOM, so thousands of jobs scroll smoothly. */
export class JobList {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsHost: HTMLElement;
  private rows: JobView[] = [];
  private selectedKey: string | null = null;
  private frame = 0;
  private readonly rowElements = new Map<string, HTMLElement>();

  constructor(
    private readonly colorOf: (provider: string) => string,
    private readonly onSelect: (key: string) => void,
  ) {
    this.rowsHost = h('div', { class: 'job-rows', role: 'listbox', 'aria-label': 'Jobs' });
    this.spacer = h('div', { class: 'job-spacer' }, this.rowsHost);
    this.element = h('div', { class: 'job-list' }, this.spacer);
    this.element.addEventListener('scroll', () => {
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => this.render());
    });
    this.rowsHost.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('[data-key]');
      if (row?.dataset.key) this.onSelect(row.dataset.key);
    });
    this.rowsHost.addEventListener('keydown', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('[data-key]');
      if (row?.dataset.key && (event.key === 'Enter' || event.key === ' ')) {
        event.preventDefault();
        this.onSelect(row.dataset.key);
      }
    });
  }

  set(rows: JobView[], selectedKey: string | null): void {
    this.rows = rows;
    this.selectedKey = selectedKey;
    this.render();
  }

  render(now = Date.now()): void {
    this.spacer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    const viewHeight = this.element.clientHeight || 800;
    const first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.element.scrollTop + viewHeight) / ROW_HEIGHT) + OVERSCAN);
    // Rows are kept by job key and updated in place: a render touches only what changed, and an element a
    // reader (or a test) is about to click is not replaced under it.
    const shown = new Set<string>();
    for (let i = first; i < last; i++) {
      const job = this.rows[i];
      shown.add(job.key);
      const existing = this.rowElements.get(job.key);
      const row = this.row(job, i, now);
      if (!existing) {
        this.rowElements.set(job.key, row);
        this.rowsHost.append(row);
      } else if (!existing.isEqualNode(row)) {
        syncAttributes(existing, row);
        if (existing.innerHTML !== row.innerHTML) existing.replaceChildren(...Array.from(row.childNodes));
      }
    }
    for (const [key, element] of this.rowElements) {
      if (shown.has(key)) continue;
      element.remove();
      this.rowElements.delete(key);
    }
  }

  private row(job: JobView, index: number, now: number): HTMLElement {
    const ended = job.status !== 'active';
    const tone = ended ? (job.outcome ?? job.status) : job.tags.includes('needs-input') ? 'needs-input' : 'active';
    const progress = job.progress;
    return h(
      'div',
      {
        class: `job-row tone-${tone}${job.key === this.selectedKey ? ' selected' : ''}${job.connected ? '' : ' disconnected'}`,
        role: 'option',
        tabindex: 0,
        'aria-selected': job.key === this.selectedKey ? 'true' : 'false',
        style: `top:${index * ROW_HEIGHT}px;--provider:${this.colorOf(job.provider)}`,
        'data-key': job.key,
        'data-session-id': job.sessionId,
        title: `session ${job.sessionId}`,
        'data-provider': job.provider,
        'data-status': job.status,
        'data-outcome': job.outcome ?? undefined,
      },
      h(
        'div',
        { class: 'job-row-top' },
        h('span', { class: 'provider-dot' }),
        h('span', { class: 'job-provider' }, job.provider),
        h('span', { class: 'job-id mono', title: job.jobId ?? '' }, shortId(job.jobId)),
        h('span', { class: 'job-age', title: 'age' }, formatAge((ended ? job.updatedAt : now) - job.startedAt)),
      ),
      h(
        'div',
        { class: 'job-row-bottom' },
        h('span', { class: `job-state tone-${tone}` }, ended ? (job.outcome ?? job.status) : stateLabel(job.value) || '…'),
        h('span', { class: 'job-pct' }, percent(progress)),
      ),
      h(
        'div',
        { class: `job-bar${progress === null ? ' unknown' : ''}` },
        h('i', { style: `width:${progress === null ? (ended ? 100 : 0) : Math.round(progress * 100)}%` }),
      ),
    );
  }
}

/** Makes `target`'s attributes those of `source`. */
function syncAttributes(target: HTMLElement, source: HTMLElement): void {
  for (const name of target.getAttributeNames()) if (!source.hasAttribute(name)) target.removeAttribute(name);
  for (const name of source.getAttributeNames()) {
    const value = source.getAttribute(name)!;
    if (target.getAttribute(name) !== value) target.setAttribute(name, value);
  }
}
