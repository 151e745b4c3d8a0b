import { PAGE_SOCKET_PATH, TOKEN_PARAM, type ChartSource, type HubMessage, type HubStats, type JobView, type TimelineEntry } from '../protocol.js';
import { ChartView } from './chart-view.js';
import { describeChart } from './describe.js';
import { h } from './dom.js';
import { ActionPanel } from './actions.js';
import { contextCard, jobHeader, timelineCard } from './job-details.js';
import { JobList } from './jobs-list.js';
import ELK from 'elkjs/lib/elk-api.js';
import { layoutChart, type Measure } from './layout.js';
import { CHART_CSS } from './chart-styles.js';
import css from './styles.css';

const FONT = '"Inter", ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif';
const PALETTE = ['#4f46e5', '#0d9488', '#d97706', '#db2777', '#0284c7', '#7c3aed', '#65a30d'];
/** Redraws at most this often, however fast jobs change. */
const RENDER_EVERY_MS = 150;
const TIMELINE_LIMIT = 300;

interface Chart {
  source: ChartSource;
  card: HTMLElement;
  view: ChartView | null;
  zoom: 'fit' | number;
  /** Request regions the reader opened; every other one is drawn collapsed. */
  expanded: Set<string>;
}

const state = {
  charts: new Map<string, Chart>(),
  jobs: new Map<string, JobView>(),
  timelines: new Map<string, TimelineEntry[]>(),
  selected: null as string | null,
  /** The timeline entry being replayed for the selected job (its index), or null: live. */
  replay: null as number | null,
  filter: 'all',
  connected: false,
  stats: null as HubStats | null,
};

const style = document.createElement('style');
style.textContent = CHART_CSS + css;
document.head.append(style);

/** Layout runs in a worker: the page stays responsive while five charts are laid out. */
const elk = new ELK({ workerUrl: '/elk-worker.js' });

const canvas = document.createElement('canvas').getContext('2d')!;
const measure: Measure = (text, font) => {
  canvas.font = font === 'title' ? `600 12.5px ${FONT}` : font === 'label' ? `500 11px ${FONT}` : `11px ${FONT}`;
  return Math.ceil(canvas.measureText(text).width);
};

// ---- the shell ---------------------------------------------------------------------------------
const connection = h('span', { class: 'conn', 'data-connected': 'false' }, 'connecting…');
const counts = h('span', { class: 'counts muted' });
const filters = h('div', { class: 'filters', role: 'tablist', 'aria-label': 'Filter by provider' });
const jobList = new JobList(colorOf, select);
/** The page's per-start token, from the URL the hub printed: the hub refuses the page's socket without it. */
const token = new URLSearchParams(location.search).get(TOKEN_PARAM);
const snippet = h('pre', { class: 'mono snippet' }, `inspect({ url: '…' })`);
const emptyJobs = h(
  'div',
  { class: 'empty-jobs' },
  h('p', { class: 'strong' }, 'No jobs yet'),
  h('p', { class: 'muted' }, 'Start a job with the inspector attached:'),
  snippet,
);
const actions = new ActionPanel((key, event) => send({ type: 'send', key, event }));
const headerHost = h('div', { class: 'job-header-host' });
const jobPanel = h('section', { class: 'job-panel', hidden: true }, headerHost, actions.element);
const detailColumn = h('aside', { class: 'detail-column', hidden: true });
const atlasHead = h(
  'div',
  { class: 'section-head' },
  h('h2', {}, 'Charts'),
  h('span', { class: 'muted' }, 'Every provider’s lifecycle. Select a job to see where it is.'),
);
const chartsHost = h('section', { class: 'charts' });
const workspace = h('div', { class: 'workspace' }, chartsHost, detailColumn);
const main = h('main', { class: 'main' }, jobPanel, atlasHead, workspace);

document.getElementById('app')!.replaceWith(
  h(
    'div',
    { class: 'app', id: 'app' },
    h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'jobcharts', h('span', { class: 'brand-sub' }, 'visualizer')),
      h('div', { class: 'topbar-right' }, counts, connection),
    ),
    h(
      'div',
      { class: 'shell' },
      h('aside', { class: 'sidebar' }, h('div', { class: 'sidebar-head' }, h('h2', {}, 'Jobs')), filters, jobList.element, emptyJobs),
      main,
    ),
  ),
);

const colors = new Map<string, string>();

/** One colour per provider, in the order providers are first seen: the list, the filters and the charts agree. */
function colorOf(provider: string): string {
  if (!colors.has(provider)) colors.set(provider, PALETTE[colors.size % PALETTE.length]);
  return colors.get(provider)!;
}

let revealPending = false;
/** The job and state the chart was last centred on. */
let revealedAt = '';
/** Jobs whose whole history the hub has sent (batches carry only what is new). */
const fetchedTimelines = new Set<string>();

function select(key: string | null): void {
  if (key !== state.selected) state.replay = null;
  state.selected = key;
  revealPending = key !== null;
  if (key && !fetchedTimelines.has(key)) send({ type: 'timeline', key });
  scheduleRender(true);
  if (key) main.scrollTo({ top: 0 });
}

// ---- charts --------------------------------------------------------------------------------------
let layoutQueue = Promise.resolve();

function setCharts(sources: ChartSource[]): void {
  for (const source of sources) {
    if (state.charts.has(source.id)) continue;
    const body = h('div', { class: 'chart-body' }, h('div', { class: 'chart-loading muted' }, 'Laying out…'));
    const zoomButton = h('button', { class: 'ghost-button small', type: 'button' }, 'Actual size');
    const card = h(
      'article',
      { class: 'card chart-card', 'data-chart': source.id, style: `--provider:${colorOf(source.id)}` },
      h(
        'header',
        { class: 'chart-head' },
        h('span', { class: 'provider-dot large' }),
        h('div', {}, h('h3', {}, source.title), h('p', { class: 'muted' }, source.summary)),
        h('span', { class: 'chart-meta muted' }),
        zoomButton,
      ),
      body,
    );
    const chart: Chart = { source, card, view: null, zoom: 'fit', expanded: new Set() };
    zoomButton.addEventListener('click', () => {
      chart.zoom = chart.zoom === 'fit' ? 1 : 'fit';
      chart.view?.setZoom(chart.zoom);
      zoomButton.textContent = chart.zoom === 'fit' ? 'Actual size' : 'Fit';
    });
    state.charts.set(source.id, chart);
    chartsHost.append(card);
    drawChart(chart);
  }
  renderFilters();
}

/** Lays the chart out (again, after a region was opened or folded) and puts the drawing in its card. */
function drawChart(chart: Chart): void {
  const body = chart.card.querySelector<HTMLElement>('.chart-body')!;
  layoutQueue = layoutQueue.then(async () => {
    try {
      const model = describeChart(chart.source.config, { expanded: chart.expanded });
      const layout = await layoutChart(model, measure, elk);
      chart.view = new ChartView(model, layout, (id) => {
        if (!chart.expanded.delete(id)) chart.expanded.add(id);
        drawChart(chart);
      });
      chart.view.setZoom(chart.zoom);
      body.replaceChildren(chart.view.svg);
      const hidden = [...model.states.values()].reduce((n, s) => n + s.hidden, 0);
      chart.card.querySelector('.chart-meta')!.textContent = `${model.states.size} states${hidden ? ` (${hidden} folded)` : ''} · ${model.edges.length} arrows`;
      chart.card.setAttribute('data-ready', 'true');
      revealPending = true;
    } catch (error) {
      body.replaceChildren(h('p', { class: 'warn' }, `Could not draw this chart: ${String(error)}`));
    }
    scheduleRender();
  });
}

// ---- rendering -----------------------------------------------------------------------------------
let renderTimer: number | undefined;
let lastRender = 0;

function scheduleRender(now = false): void {
  if (now) {
    clearTimeout(renderTimer);
    renderTimer = undefined;
    requestAnimationFrame(render);
    return;
  }
  if (renderTimer !== undefined) return;
  const wait = Math.max(0, RENDER_EVERY_MS - (performance.now() - lastRender));
  renderTimer = window.setTimeout(() => {
    renderTimer = undefined;
    requestAnimationFrame(render);
  }, wait);
}

function sortedJobs(): JobView[] {
  const jobs = [...state.jobs.values()].filter((job) => state.filter === 'all' || job.provider === state.filter);
  return jobs.sort((a, b) => {
    const activeA = a.status === 'active' ? 1 : 0;
    const activeB = b.status === 'active' ? 1 : 0;
    if (activeA !== activeB) return activeB - activeA;
    return activeA ? b.startedAt - a.startedAt : b.updatedAt - a.updatedAt;
  });
}

function renderFilters(): void {
  const tally = new Map<string, number>();
  for (const job of state.jobs.values()) tally.set(job.provider, (tally.get(job.provider) ?? 0) + 1);
  const providers = [...new Set([...state.charts.keys(), ...tally.keys()])];
  const chip = (id: string, label: string, count: number) => {
    const button = h(
      'button',
      { class: `chip-button${state.filter === id ? ' on' : ''}`, type: 'button', role: 'tab', 'aria-selected': state.filter === id ? 'true' : 'false', 'data-filter': id, style: id === 'all' ? undefined : `--provider:${colorOf(id)}` },
      id === 'all' ? null : h('span', { class: 'provider-dot' }),
      label,
      h('span', { class: 'chip-count' }, String(count)),
    );
    button.addEventListener('click', () => {
      state.filter = id;
      renderFilters();
      scheduleRender(true);
    });
    return button;
  };
  filters.replaceChildren(chip('all', 'All', state.jobs.size), ...providers.map((p) => chip(p, p, tally.get(p) ?? 0)));
}

let timelineEl: HTMLElement | null = null;

function render(): void {
  lastRender = performance.now();
  const now = Date.now();
  const rows = sortedJobs();
  jobList.set(rows, state.selected);
  emptyJobs.hidden = state.jobs.size > 0;
  const live = [...state.jobs.values()].filter((j) => j.status === 'active').length;
  counts.textContent = `${live} running · ${state.jobs.size} jobs · ${state.charts.size} charts`;
  renderFilters();

  const job = state.selected ? state.jobs.get(state.selected) : undefined;
  if (state.selected && !job) state.selected = null;
  jobPanel.hidden = !job;
  detailColumn.hidden = !job;
  atlasHead.hidden = !!job;
  document.body.toggleAttribute('data-job-selected', !!job);
  for (const chart of state.charts.values()) {
    const shown = !job || job.provider === chart.source.id;
    chart.card.hidden = !shown;
    chart.view?.light(job && shown ? job.value : undefined, job && job.status !== 'active' ? (job.outcome ?? job.status) : null, job?.moves ?? []);
  }
  if (!job) {
    actions.update(undefined, false);
    fitChartBody(undefined);
    timelineEl = null;
    for (const c of state.charts.values()) c.view?.setZoom(c.zoom);
    return;
  }
  const chart = state.charts.get(job.provider);
  // The job view follows the job: centred on its active state whenever that changes (or a moment is replayed).
  const where = JSON.stringify([job.key, state.replay === null ? job.value : state.replay]);
  if (where !== revealedAt) revealPending = true;
  if (chart?.view && revealPending) {
    revealPending = false;
    revealedAt = where;
    requestAnimationFrame(() => chart.view?.revealActive());
  }
  const entries = (state.timelines.get(job.key) ?? []).slice(-TIMELINE_LIMIT);
  if (state.replay !== null && state.replay >= entries.length) state.replay = null;
  const moment = state.replay === null ? null : entries[state.replay];
  const shownJob = moment ? { ...job, value: moment.value ?? job.value, context: moment.context ?? job.context } : job;
  if (moment && chart?.view) chart.view.light(shownJob.value, null, replayMoves(entries, state.replay!));
  const header = jobHeader(job, colorOf(job.provider), now, () => select(null));
  const timeline = timelineCard(entries, timelineEl, state.replay, (index) => replayAt(index));
  timelineEl = timeline;
  detailColumn.replaceChildren(contextCard(shownJob, now), timeline);
  headerHost.replaceChildren(header, ...(moment ? [replayBar(moment, state.replay!, entries.length)] : []));
  actions.update(job, moment !== null);
  if (!chart) headerHost.append(h('p', { class: 'warn' }, `No chart known for ${job.provider}: its producer sent no definition.`));
  fitChartBody(chart?.card);
}

/** The job view's chart shows at least this many pixels of height, however tall the panel above it is. */
const MIN_CHART_VIEW = 260;

/**
 * The job view's chart fills the screen under the job's panel (whose height changes with the form a person needs),
 * so the state it is centred on is on screen too, not below the fold. `card`: the selected job's chart, or none.
 */
function fitChartBody(card: HTMLElement | undefined): void {
  for (const chart of state.charts.values()) {
    const body = chart.card.querySelector<HTMLElement>('.chart-body')!;
    if (chart.card !== card) {
      body.style.height = '';
      continue;
    }
    const top = body.getBoundingClientRect().top - main.getBoundingClientRect().top + main.scrollTop;
    const height = `${Math.max(MIN_CHART_VIEW, Math.floor(main.clientHeight - top - 16))}px`;
    if (body.style.height !== height) body.style.height = height;
  }
}

// ---- replay ----------------------------------------------------------------------------------------
/** Shows the selected job as it was at timeline entry `index` (null: live again). */
function replayAt(index: number | null): void {
  const count = state.selected ? (state.timelines.get(state.selected)?.length ?? 0) : 0;
  state.replay = index === null || count === 0 ? null : Math.max(0, Math.min(count - 1, index));
  scheduleRender(true);
}

/** The moves a job had made by entry `index`: consecutive states of the entries up to it. */
function replayMoves(entries: TimelineEntry[], index: number): Array<{ from: unknown; to: unknown; count: number }> {
  const moves: Array<{ from: unknown; to: unknown; count: number }> = [];
  for (let i = 1; i <= index; i++) {
    const [from, to] = [entries[i - 1].value, entries[i].value];
    if (from !== undefined && to !== undefined && JSON.stringify(from) !== JSON.stringify(to)) moves.push({ from, to, count: 1 });
  }
  return moves;
}

function replayBar(entry: TimelineEntry, index: number, count: number): HTMLElement {
  const live = h('button', { class: 'ghost-button', type: 'button', 'data-action': 'live' }, 'Back to live');
  live.addEventListener('click', () => replayAt(null));
  return h(
    'div',
    { class: 'replay-bar', role: 'status', 'data-replay-index': index },
    h('strong', {}, `Replay ${index + 1} of ${count}`),
    h('span', { class: 'muted' }, `${entry.title} · ← → step, Esc back to live`),
    live,
  );
}

document.addEventListener('keydown', (event) => {
  if (!state.selected || (event.target as HTMLElement).closest('input, textarea, select')) return;
  const count = state.timelines.get(state.selected)?.length ?? 0;
  if (count === 0) return;
  const at = state.replay;
  if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') replayAt(at === null ? count - 1 : at - 1);
  else if (event.key === 'ArrowRight' || event.key === 'ArrowDown') replayAt(at === null ? null : at + 1 >= count ? null : at + 1);
  else if (event.key === 'Escape' && at !== null) replayAt(null);
  else return;
  event.preventDefault();
});

// Ages and countdowns move even when nothing arrives.
setInterval(() => scheduleRender(), 1000);

// ---- the hub -------------------------------------------------------------------------------------
let socket: WebSocket | null = null;

function send(message: unknown): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

/** Adds entries to a job's timeline, in order and once each, whether they came in a batch or in a full reply. */
function appendEntries(key: string, entries: TimelineEntry[]): void {
  const list = state.timelines.get(key) ?? [];
  const seen = new Set(list.map((e) => e.seq));
  for (const entry of entries) if (!seen.has(entry.seq)) list.push(entry);
  list.sort((a, b) => a.seq - b.seq);
  if (list.length > TIMELINE_LIMIT) list.splice(0, list.length - TIMELINE_LIMIT);
  state.timelines.set(key, list);
}

function receive(message: HubMessage): void {
  switch (message.type) {
    case 'hello':
      state.jobs = new Map(message.jobs.map((job) => [job.key, job]));
      state.timelines.clear();
      fetchedTimelines.clear();
      state.stats = message.stats;
      snippet.textContent = `inspect({ url: '${message.inspectUrl}' })`;
      setCharts(message.charts);
      if (state.selected) send({ type: 'timeline', key: state.selected });
      break;
    case 'charts':
      setCharts(message.charts);
      break;
    case 'update': {
      for (const job of message.jobs) state.jobs.set(job.key, job);
      for (const key of message.removed) {
        state.jobs.delete(key);
        state.timelines.delete(key);
        fetchedTimelines.delete(key);
      }
      const byKey = new Map<string, TimelineEntry[]>();
      for (const { key, entry } of message.entries) byKey.set(key, [...(byKey.get(key) ?? []), entry]);
      for (const [key, entries] of byKey) appendEntries(key, entries);
      state.stats = message.stats;
      break;
    }
    case 'timeline':
      appendEntries(message.key, message.entries);
      fetchedTimelines.add(message.key);
      break;
    case 'sent':
      actions.result(message.key, message.ok, message.reason);
      return;
  }
  scheduleRender();
}

function connect(): void {
  if (!token) {
    connection.textContent = 'no token: open the URL the visualizer printed';
    return;
  }
  socket = new WebSocket(`ws://${location.host}${PAGE_SOCKET_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`);
  socket.addEventListener('open', () => setConnected(true));
  socket.addEventListener('message', (event) => {
    try {
      receive(JSON.parse(String(event.data)) as HubMessage);
    } catch (error) {
      console.error('bad message from the hub', error);
    }
  });
  socket.addEventListener('close', () => {
    setConnected(false);
    setTimeout(connect, 1000);
  });
}

function setConnected(on: boolean): void {
  state.connected = on;
  connection.textContent = on ? 'live' : 'reconnecting…';
  connection.setAttribute('data-connected', String(on));
}

connect();
