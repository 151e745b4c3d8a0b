import type { RawData, WebSocket } from 'ws';
import { PERSON_EVENT_FRAME, personEvent, PRODUCER_HELLO } from '../src/inspect/person-events.js';
import { Redactor } from '../src/inspect/redact.js';
import { isMarked, markSessionIds, runnerJobSession } from '../src/inspect/session-ids.js';
import { JobStore } from './jobs.js';
import { clip, DEFAULT_LIMITS, MAX_FIELD_CHARS, PRODUCER_SECRET_LIMITS, type HubLimits } from './limits.js';
import type { ChartSource, HubStats, PageMessage, TimelineEntry } from './protocol.js';

export interface HubOptions extends Partial<HubLimits> {
  /** Charts drawn without any job (the registry); charts of unknown machines are added as producers announce them. */
  charts: ChartSource[];
  /** Frames larger than this are dropped (the connection stays). Default 1 MiB. */
  maxFrameBytes?: number;
  /** Pages get at most one update per this many ms. Default 100. */
  flushMs?: number;
}

/** A page that has fallen this far behind stops getting updates until it drains, then gets a fresh `hello`. */
const PAGE_BACKLOG_BYTES = 4 * 1024 * 1024;
/** One message to a page carries jobs up to about this many characters: no message is ever the whole store. */
const CHUNK_CHARS = 64 * 1024;

interface Page {
  socket: WebSocket;
  stale: boolean;
  /** What the page has still to be sent since its `hello`: learnt charts, then jobs, one chunk at a time. */
  queue: { charts: string[]; jobs: string[] } | null;
  feeding: boolean;
}

type Frame = Record<string, unknown> & { type: string; sessionId: string };

/**
 * The hub between producers (job actors streaming `@statelyai/inspect` frames) and pages. Frames are redacted
 * on receipt, whatever the producer did; only root actors become jobs; pages get batched updates. What it keeps is
 * bounded (visualizer/limits.ts) and what it sends a page goes in chunks, as fast as the page reads.
 */
export class Hub {
  /** Where producers connect, shown on the page to start a job with (set by the server once it listens). */
  producerUrl = '';
  private readonly limits: HubLimits;
  private readonly store: JobStore;
  /** Every chart as the JSON text of its `ChartSource`. */
  private readonly charts = new Map<string, string>();
  private readonly registry: string[];
  private readonly pages = new Set<Page>();
  private readonly producers = new Set<WebSocket>();
  /**
   * One redactor per producer connection (by its prefix): secrets learnt from a producer's inputs hide text in its
   * own frames only, so no producer can teach the hub a common word and cut it out of other producers' jobs.
   */
  private readonly redactors = new Map<string, Redactor>();
  /** Each producer connection's socket by its prefix: where a person's event for one of its jobs is sent. */
  private readonly producerSockets = new Map<string, WebSocket>();
  private readonly maxFrameBytes: number;
  private readonly flushMs: number;
  private nextConnection = 1;
  private flushTimer: NodeJS.Timeout | undefined;
  private framesReceived = 0;
  private framesRejected = 0;
  private chartsRefused = 0;

  constructor(options: HubOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
    this.store = new JobStore(this.limits);
    this.maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
    this.flushMs = options.flushMs ?? 100;
    for (const chart of options.charts) this.charts.set(chart.id, JSON.stringify(chart));
    this.registry = [...this.charts.keys()];
  }

  /** The hard limit for the WebSocket server: beyond it the connection itself is closed (1009). */
  get maxPayloadBytes(): number {
    return this.maxFrameBytes * 4;
  }

  stats(): HubStats {
    return {
      producers: this.producers.size,
      pages: this.pages.size,
      framesReceived: this.framesReceived,
      framesRejected: this.framesRejected,
      jobsEvicted: this.store.evicted,
      storeBytes: this.store.bytes,
      charts: this.charts.size,
      chartsRefused: this.chartsRefused,
    };
  }

  get jobCount(): number {
    return this.store.size;
  }

  get producerCount(): number {
    return this.producers.size;
  }

  get pageCount(): number {
    return this.pages.size;
  }

  /** A producer connected: every text frame it sends is one inspection event. */
  addProducer(socket: WebSocket): void {
    const prefix = `c${this.nextConnection++}/`;
    this.producers.add(socket);
    this.redactors.set(prefix, new Redactor([], PRODUCER_SECRET_LIMITS));
    this.producerSockets.set(prefix, socket);
    socket.on('message', (data, isBinary) => this.receive(prefix, data, isBinary));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.producers.delete(socket);
      this.redactors.delete(prefix);
      this.producerSockets.delete(prefix);
      this.store.disconnected(prefix);
      this.scheduleFlush();
    });
  }

  /** A page connected: it gets everything known so far, in chunks, then batched updates. */
  addPage(socket: WebSocket): void {
    const page: Page = { socket, stale: false, queue: null, feeding: false };
    this.pages.add(page);
    socket.on('message', (data) => this.answerPage(page, data));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => this.pages.delete(page));
    this.sendHello(page);
  }

  /** One frame from a producer whose connection is `prefix`. Never throws: bad frames are counted and dropped. */
  receive(prefix: string, data: RawData | string, isBinary = false): void {
    this.framesReceived++;
    const redactor = this.redactors.get(prefix);
    const frame = isBinary || !redactor ? null : this.parse(data, redactor);
    if (!frame) {
      this.framesRejected++;
      return;
    }
    try {
      this.apply(prefix, frame);
    } catch {
      this.framesRejected++;
    }
    this.scheduleFlush();
  }

  close(): void {
    clearTimeout(this.flushTimer);
    for (const page of this.pages) page.socket.terminate();
    for (const producer of this.producers) producer.terminate();
  }

  private parse(data: RawData | string, redactor: Redactor): Frame | null {
    const size = typeof data === 'string' ? Buffer.byteLength(data) : Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (size > this.maxFrameBytes) return null;
    const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return null;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    const frame = value as Frame;
    if (typeof frame.type !== 'string' || typeof frame.sessionId !== 'string' || frame.sessionId.length > 200) return null;
    if (frame.type === '@xstate.actor' && typeof frame.definition === 'string') {
      try {
        frame.definition = JSON.parse(frame.definition);
      } catch {
        frame.definition = undefined;
      }
    }
    // Secrets are learnt from a job's input only (its `xstate.init` event), never from what its provider answered.
    const event = frame.event as { type?: unknown; input?: unknown } | undefined;
    if (frame.type === '@xstate.event' && event?.type === 'xstate.init') redactor.learnFromInput(event.input);
    return redactor.redact(frame);
  }

  private apply(prefix: string, frame: Frame): void {
    const own = frame.sessionId;
    // A runner job is one job whichever producer streams its step (see runnerJobSession); any other is per connection.
    const runnerJob = runnerJobSession(own);
    const key = runnerJob ?? prefix + own;
    // The page tells jobs apart by session id: what a producer left unmarked gets its connection's mark.
    const connection = prefix.slice(0, -1);
    markSessionIds(frame, (id) => (isMarked(id) ? id : `${id}@${connection}`));
    const at = Number(frame.createdAt);
    const time = Number.isFinite(at) && at > 0 ? at : Date.now();
    if (frame.type === PRODUCER_HELLO) {
      this.store.answers(prefix);
    } else if (frame.type === '@xstate.actor') {
      const isRoot = frame.parentId === undefined || frame.parentId === null;
      if (!isRoot) return;
      const definition = frame.definition as { id?: unknown } | undefined;
      const named = typeof definition?.id === 'string' ? definition.id : typeof frame.name === 'string' ? frame.name : 'unknown';
      const provider = clip(named, MAX_FIELD_CHARS);
      if (definition && typeof definition === 'object' && !this.charts.has(provider)) this.learnChart(provider, definition);
      this.store.actor(key, prefix, { shown: runnerJob ?? frame.sessionId, own }, provider, time, frame.snapshot);
    } else if (!this.store.has(key)) {
      return;
    } else if (frame.type === '@xstate.event') {
      this.store.event(key, frame.event, time);
    } else if (frame.type === '@xstate.snapshot') {
      this.store.snapshot(key, frame.snapshot, time);
    }
  }

  /**
   * A machine the registry does not know: draw it from the definition its producer sent. Up to `maxLearntCharts`
   * of up to `maxChartChars` each; pages get the new chart alone, never the whole set again.
   */
  private learnChart(id: string, config: unknown): void {
    const text = JSON.stringify({ id, title: id, summary: 'announced by a running job', config, origin: 'live' } satisfies ChartSource);
    if (this.charts.size - this.registry.length >= this.limits.maxLearntCharts || text.length > this.limits.maxChartChars) {
      this.chartsRefused++;
      return;
    }
    this.charts.set(id, text);
    this.broadcast([`{"type":"charts","charts":[${text}]}`]);
  }

  private answerPage(page: Page, data: RawData): void {
    let message: PageMessage;
    try {
      message = JSON.parse(String(data)) as PageMessage;
    } catch {
      return;
    }
    // A page that does not read what it asked for gets nothing more until it does.
    if (page.socket.bufferedAmount > PAGE_BACKLOG_BYTES) return;
    if (message?.type === 'timeline' && typeof message.key === 'string') {
      this.send(page, JSON.stringify({ type: 'timeline', key: message.key, entries: this.store.timeline(message.key) }));
    } else if (message?.type === 'send' && typeof message.key === 'string') {
      const reason = this.deliver(message.key, message.event);
      this.send(page, JSON.stringify({ type: 'sent', key: message.key, ok: reason === null, ...(reason ? { reason } : {}) }));
    }
  }

  /**
   * A person's event from a page (only pages, which hold the page token, get here) to the job's producer, which
   * hands it to the job's actor. Only CANCEL, ANSWER with its text and PAID pass. Returns why not, or null.
   */
  private deliver(key: string, value: unknown): string | null {
    const event = personEvent(value);
    if (!event) return 'only CANCEL, ANSWER (with text) and PAID are accepted';
    const target = this.store.target(key);
    const socket = target ? this.producerSockets.get(target.producer) : undefined;
    if (!target || !socket || socket.readyState !== socket.OPEN) return 'this job’s producer does not take events back (or is gone)';
    if (!target.active) return 'the job has ended';
    socket.send(JSON.stringify({ type: PERSON_EVENT_FRAME, sessionId: target.sessionId, event }));
    return null;
  }

  /** `hello`: the registry's charts and a first chunk of jobs; the rest follows as the page reads (`feed`). */
  private sendHello(page: Page): void {
    page.stale = false;
    const queue = { charts: [...this.charts.keys()].filter((id) => !this.registry.includes(id)), jobs: this.store.keys() };
    const charts = this.registry.map((id) => this.charts.get(id)!);
    const head = JSON.stringify({ type: 'hello', stats: this.stats(), inspectUrl: this.producerUrl });
    this.send(page, `${head.slice(0, -1)},"charts":[${charts.join(',')}],"jobs":[${this.takeJobs(queue.jobs).join(',')}]}`);
    page.queue = queue;
    this.feed(page);
  }

  /** Sends the page its next chunk once the previous one has been written out, until its queue is empty. */
  private feed(page: Page): void {
    if (page.feeding || !page.queue || page.socket.readyState !== page.socket.OPEN) return;
    let text: string | undefined;
    while (text === undefined && page.queue.charts.length > 0) {
      const chart = this.charts.get(page.queue.charts.shift()!);
      if (chart) text = `{"type":"charts","charts":[${chart}]}`;
    }
    if (text === undefined && page.queue.jobs.length > 0) text = this.updateText(this.takeJobs(page.queue.jobs), [], []);
    if (text === undefined) {
      page.queue = null;
      return;
    }
    page.feeding = true;
    page.socket.send(text, () => {
      page.feeding = false;
      this.feed(page);
    });
  }

  /** Takes job keys off `keys` until their views fill one chunk; returns those views (as JSON text). */
  private takeJobs(keys: string[]): string[] {
    const out: string[] = [];
    let chars = 0;
    while (keys.length > 0 && chars < CHUNK_CHARS) {
      const view = this.store.viewText(keys.shift()!);
      if (view === undefined) continue;
      out.push(view);
      chars += view.length;
    }
    return out;
  }

  private updateText(jobs: string[], removed: string[], entries: Array<{ key: string; entry: TimelineEntry }>): string {
    const head = JSON.stringify({ type: 'update', removed, entries, stats: this.stats() });
    return `${head.slice(0, -1)},"jobs":[${jobs.join(',')}]}`;
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.flushMs);
    this.flushTimer.unref?.();
  }

  private flush(): void {
    const changes = this.store.drain();
    if (this.pages.size === 0) return;
    const messages = [this.updateText(this.takeJobs(changes.jobs), changes.removed, changes.entries)];
    while (changes.jobs.length > 0) messages.push(this.updateText(this.takeJobs(changes.jobs), [], []));
    this.broadcast(messages);
  }

  private broadcast(messages: string[]): void {
    for (const page of this.pages) {
      if (page.stale) {
        if (page.socket.bufferedAmount < PAGE_BACKLOG_BYTES / 4) this.sendHello(page);
        continue;
      }
      for (const text of messages) {
        if (page.socket.bufferedAmount > PAGE_BACKLOG_BYTES) {
          page.stale = true;
          page.queue = null;
          break;
        }
        this.send(page, text);
      }
    }
  }

  private send(page: Page, text: string): void {
    if (page.socket.readyState === page.socket.OPEN) page.socket.send(text);
  }
}

/** Options without the keys set to `undefined`, so that they do not hide the defaults. */
function definedOnly(options: Partial<HubLimits>): Partial<HubLimits> {
  const out: Partial<HubLimits> = {};
  for (const name of Object.keys(DEFAULT_LIMITS) as Array<keyof HubLimits>) if (options[name] !== undefined) out[name] = options[name];
  return out;
}
