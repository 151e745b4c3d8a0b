import type { RawData, WebSocket } from 'ws';
import { Redactor } from '../src/inspect/redact.js';
import { JobStore } from './jobs.js';
import type { ChartSource, HubMessage, HubStats, PageMessage } from './protocol.js';

export interface HubOptions {
  /** Charts drawn without any job (the registry); charts of unknown machines are added as producers announce them. */
  charts: ChartSource[];
  /** Timeline entries kept per job. Default 200. */
  historyLimit?: number;
  /** Jobs kept; the oldest finished ones are forgotten first. Default 2000. */
  maxJobs?: number;
  /** Frames larger than this are dropped (the connection stays). Default 1 MiB. */
  maxFrameBytes?: number;
  /** Pages get at most one update per this many ms. Default 100. */
  flushMs?: number;
}

/** A page that has fallen this far behind stops getting updates until it drains, then gets a fresh `hello`. */
const PAGE_BACKLOG_BYTES = 4 * 1024 * 1024;

interface Page {
  socket: WebSocket;
  stale: boolean;
}

type Frame = Record<string, unknown> & { type: string; sessionId: string };

/**
 * The hub between producers (job actors streaming `@statelyai/inspect` frames) and pages. Frames are redacted
 * on receipt, whatever the producer did; only root actors become jobs; pages get batched updates.
 */
export class Hub {
  readonly redactor = new Redactor();
  private readonly store: JobStore;
  private readonly charts = new Map<string, ChartSource>();
  private readonly pages = new Set<Page>();
  private readonly producers = new Set<WebSocket>();
  private readonly maxFrameBytes: number;
  private readonly flushMs: number;
  private nextConnection = 1;
  private flushTimer: NodeJS.Timeout | undefined;
  private framesReceived = 0;
  private framesRejected = 0;

  constructor(options: HubOptions) {
    this.store = new JobStore({ historyLimit: options.historyLimit ?? 200, maxJobs: options.maxJobs ?? 2_000 });
    this.maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
    this.flushMs = options.flushMs ?? 100;
    for (const chart of options.charts) this.charts.set(chart.id, chart);
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
    };
  }

  get jobCount(): number {
    return this.store.size;
  }

  /** A producer connected: every text frame it sends is one inspection event. */
  addProducer(socket: WebSocket): void {
    const prefix = `c${this.nextConnection++}/`;
    this.producers.add(socket);
    socket.on('message', (data, isBinary) => this.receive(prefix, data, isBinary));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.producers.delete(socket);
      this.store.disconnected(prefix);
      this.scheduleFlush();
    });
  }

  /** A page connected: it gets everything known so far, then batched updates. */
  addPage(socket: WebSocket): void {
    const page: Page = { socket, stale: false };
    this.pages.add(page);
    socket.on('message', (data) => this.answerPage(page, data));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => this.pages.delete(page));
    this.sendHello(page);
  }

  /** One frame from a producer whose connection is `prefix`. Never throws: bad frames are counted and dropped. */
  receive(prefix: string, data: RawData | string, isBinary = false): void {
    this.framesReceived++;
    const frame = isBinary ? null : this.parse(data);
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

  private parse(data: RawData | string): Frame | null {
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
    if (frame.type === '@xstate.event' && event?.type === 'xstate.init') this.redactor.learnFromInput(event.input);
    return this.redactor.redact(frame);
  }

  private apply(prefix: string, frame: Frame): void {
    const key = prefix + frame.sessionId;
    const at = Number(frame.createdAt);
    const time = Number.isFinite(at) && at > 0 ? at : Date.now();
    if (frame.type === '@xstate.actor') {
      const isRoot = frame.parentId === undefined || frame.parentId === null;
      if (!isRoot) return;
      const definition = frame.definition as { id?: unknown } | undefined;
      const provider = typeof definition?.id === 'string' ? definition.id : typeof frame.name === 'string' ? frame.name : 'unknown';
      if (definition && typeof definition === 'object' && !this.charts.has(provider)) this.learnChart(provider, definition);
      this.store.actor(key, frame.sessionId, provider, time, frame.snapshot);
    } else if (!this.store.has(key)) {
      return;
    } else if (frame.type === '@xstate.event') {
      this.store.event(key, frame.event, time);
    } else if (frame.type === '@xstate.snapshot') {
      this.store.snapshot(key, frame.snapshot, time);
    }
  }

  /** A machine the registry does not know: draw it from the definition its producer sent. */
  private learnChart(id: string, config: unknown): void {
    const chart: ChartSource = { id, title: id, summary: 'announced by a running job', config, origin: 'live' };
    this.charts.set(id, chart);
    this.broadcast({ type: 'charts', charts: [...this.charts.values()] });
  }

  private answerPage(page: Page, data: RawData): void {
    let message: PageMessage;
    try {
      message = JSON.parse(String(data)) as PageMessage;
    } catch {
      return;
    }
    if (message?.type === 'timeline' && typeof message.key === 'string') {
      this.send(page, { type: 'timeline', key: message.key, entries: this.store.timeline(message.key) });
    }
  }

  private sendHello(page: Page): void {
    page.stale = false;
    this.send(page, { type: 'hello', charts: [...this.charts.values()], jobs: this.store.views(), stats: this.stats() });
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
    this.broadcast({ type: 'update', ...changes, stats: this.stats() });
  }

  private broadcast(message: HubMessage): void {
    if (this.pages.size === 0) return;
    const text = JSON.stringify(message);
    for (const page of this.pages) {
      if (page.stale) {
        if (page.socket.bufferedAmount < PAGE_BACKLOG_BYTES / 4) this.sendHello(page);
        continue;
      }
      if (page.socket.bufferedAmount > PAGE_BACKLOG_BYTES) {
        page.stale = true;
        continue;
      }
      if (page.socket.readyState === page.socket.OPEN) page.socket.send(text);
    }
  }

  private send(page: Page, message: HubMessage): void {
    if (page.socket.readyState === page.socket.OPEN) page.socket.send(JSON.stringify(message));
  }
}
