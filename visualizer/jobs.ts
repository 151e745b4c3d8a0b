import type { JobView, TimelineEntry } from './protocol.js';
import { formatDuration } from './format.js';
import {
  clip,
  ENTRY_OVERHEAD_BYTES,
  JOB_OVERHEAD_BYTES,
  MAX_DETAIL_CHARS,
  MAX_FIELD_CHARS,
  MAX_PENDING_ENTRIES,
  MAX_TAGS,
  MAX_TITLE_CHARS,
  MAX_VALUE_CHARS,
  OUTPUT_SHARE,
  sizeOf,
  type HubLimits,
} from './limits.js';
import { Ring } from './ring.js';
import { stateLabel } from './state-value.js';

export type JobStoreOptions = Pick<HubLimits, 'historyLimit' | 'maxJobs' | 'maxStoreBytes' | 'maxContextChars'>;

type Json = Record<string, unknown>;

/** A job's view without its three large parts, which are kept as JSON text (see `Job.raw`). */
type JobHead = Omit<JobView, 'context' | 'output' | 'value' | 'moves'>;

/** Distinct changes of state kept per job (each with its count), and the longest state value a move may name. */
const MAX_MOVES = 64;
const MAX_MOVE_VALUE_CHARS = 512;

interface Job {
  /** The producer connection it came from (`c12/`): jobs are counted, and evicted, per producer. */
  producer: string;
  /** The session id as its producer knows it (the page's `head.sessionId` may carry the hub's mark). */
  ownSessionId: string;
  head: JobHead;
  /**
   * Context, output and state value as JSON text, capped: text takes the memory it is counted for (one or two bytes
   * a character), where the parsed objects of an adversarial frame could take several times their JSON size.
   */
  raw: { context: string; output: string; value: string };
  /** `from` and `to` state values as JSON text, joined by a NUL → how often the job made that move. */
  moves: Map<string, number>;
  movesBytes: number;
  /** The state in words, for request entries. */
  state: string;
  timeline: Ring<TimelineEntry>;
  timelineBytes: number;
  /** Entries noted from events whose snapshot has not come yet: that snapshot is the state they show in replay. */
  unsettled: TimelineEntry[];
  bytes: number;
  requests: number;
  wakeAt: number | null;
  tags: Set<string>;
}

const obj = (value: unknown): Json | null => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Fields the page reads from a context, kept when the context as a whole is too large to keep. */
const CONTEXT_SUMMARY = ['jobId', 'progress', 'requests', 'polls', 'retries', 'rateLimits', 'wakeAt', 'waitReason', 'lastError', 'clarification'];

/**
 * The jobs the hub knows, and the timeline of each, derived from the inspection frames of their root actors.
 * Bounded in count (`maxJobs`) and in bytes (`maxStoreBytes`); when full, the producer holding the most gives
 * way: its oldest finished job first. So no producer can push out another's jobs by sending more of its own.
 */
export class JobStore {
  private readonly jobs = new Map<string, Job>();
  /** Each producer's job keys, oldest first, and the bytes they hold. */
  private readonly producers = new Map<string, { keys: Set<string>; bytes: number }>();
  private totalBytes = 0;
  private seq = 0;
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  private entries: Array<{ key: string; entry: TimelineEntry }> = [];
  evicted = 0;
  /** Producers that said they take person events back (jobcharts' `inspect()`). */
  private readonly answering = new Set<string>();

  constructor(private readonly options: JobStoreOptions) {}

  get size(): number {
    return this.jobs.size;
  }

  /** Bytes held by the jobs, as counted against `maxStoreBytes`. */
  get bytes(): number {
    return this.totalBytes;
  }

  has(key: string): boolean {
    return this.jobs.has(key);
  }

  keys(): string[] {
    return [...this.jobs.keys()];
  }

  /** One job as the page gets it (`JobView`), as JSON text; undefined once forgotten. */
  viewText(key: string): string | undefined {
    const job = this.jobs.get(key);
    if (!job) return undefined;
    const moves = [...job.moves].map(([pair, count]) => {
      const [from, to] = pair.split('\u0000');
      return `{"from":${from},"to":${to},"count":${count}}`;
    });
    return `${JSON.stringify(job.head).slice(0, -1)},"context":${job.raw.context},"output":${job.raw.output},"value":${job.raw.value},"moves":[${moves.join(',')}]}`;
  }

  timeline(key: string): TimelineEntry[] {
    return this.jobs.get(key)?.timeline.toArray() ?? [];
  }

  /** What changed since the last call: keys of jobs to redraw, keys of jobs forgotten, new timeline entries. */
  drain(): { jobs: string[]; removed: string[]; entries: Array<{ key: string; entry: TimelineEntry }> } {
    const out = { jobs: [...this.dirty], removed: [...this.removed], entries: this.entries.filter((e) => this.jobs.has(e.key)) };
    this.dirty.clear();
    this.removed.clear();
    this.entries = [];
    return out;
  }

  get pending(): boolean {
    return this.dirty.size > 0 || this.removed.size > 0 || this.entries.length > 0;
  }

  /**
   * A root actor started (`@xstate.actor` without a parent). `sessionId.shown`: its id on the page, unique per hub;
   * `sessionId.own`: the id its producer knows it by, where a person's event is addressed.
   */
  actor(key: string, producer: string, sessionId: { shown: string; own: string }, provider: string, at: number, snapshot: unknown): void {
    if (!this.jobs.has(key)) {
      const job: Job = {
        producer,
        ownSessionId: sessionId.own,
        head: {
          key,
          sessionId: sessionId.shown,
          provider: clip(provider, MAX_FIELD_CHARS),
          jobId: null,
          status: 'active',
          outcome: null,
          tags: [],
          progress: null,
          startedAt: at,
          updatedAt: at,
          connected: true,
          acceptsEvents: this.answering.has(producer),
        },
        raw: { context: 'null', output: 'null', value: 'null' },
        moves: new Map(),
        movesBytes: 0,
        state: '',
        timeline: new Ring(this.options.historyLimit),
        timelineBytes: 0,
        unsettled: [],
        bytes: 0,
        requests: 0,
        wakeAt: null,
        tags: new Set(),
      };
      this.jobs.set(key, job);
      this.countFor(producer, key, job);
      const jobId = obj(obj(snapshot)?.context)?.jobId;
      const attached = jobId !== undefined && jobId !== null;
      this.add(key, job, at, attached ? { kind: 'start', title: 'attached', detail: `job ${String(jobId)}` } : { kind: 'start', title: 'started', detail: 'submit a new job' });
      this.changed(key, job);
    } else {
      this.takeOver(key, producer, sessionId.own);
    }
    this.snapshot(key, snapshot, at);
  }

  /**
   * A runner job's next step streamed by another producer (another worker process): the job is that producer's
   * from now on, counted against it, and a person's event from the page goes there.
   */
  private takeOver(key: string, producer: string, ownSessionId: string): void {
    const job = this.jobs.get(key)!;
    job.ownSessionId = ownSessionId;
    job.head.connected = true;
    job.head.acceptsEvents = this.answering.has(producer);
    if (job.producer === producer) return;
    this.uncount(key, job);
    job.producer = producer;
    this.countFor(producer, key, job);
    this.changed(key, job);
  }

  /** Counts `job` (its key and bytes) against `producer`. */
  private countFor(producer: string, key: string, job: Job): void {
    const mine = this.producers.get(producer) ?? { keys: new Set<string>(), bytes: 0 };
    mine.keys.add(key);
    mine.bytes += job.bytes;
    this.producers.set(producer, mine);
  }

  /** No longer counts `job` against its producer. */
  private uncount(key: string, job: Job): void {
    const mine = this.producers.get(job.producer)!;
    mine.keys.delete(key);
    mine.bytes -= job.bytes;
    if (mine.keys.size === 0) this.producers.delete(job.producer);
  }

  /** An event the root actor received. */
  event(key: string, event: unknown, at: number): void {
    const job = this.jobs.get(key);
    const e = obj(event);
    const type = str(e?.type);
    if (!job || !e || !type) return;
    const entry = describeEvent(type, e);
    if (entry) this.add(key, job, at, entry);
    job.head.updatedAt = Math.max(job.head.updatedAt, at);
    this.changed(key, job);
  }

  /** A new snapshot of the root actor. */
  snapshot(key: string, snapshot: unknown, at: number): void {
    const job = this.jobs.get(key);
    const s = obj(snapshot);
    if (!job || !s) return;
    const head = job.head;
    const context = obj(s.context);
    const wasActive = head.status === 'active';
    if (typeof s.status === 'string') head.status = clip(s.status, MAX_FIELD_CHARS);
    if ('value' in s) {
      const before = job.raw.value;
      job.raw.value = capped(s.value, MAX_VALUE_CHARS, () => '[state value too large]');
      if (before !== job.raw.value && before !== 'null') this.moved(job, before, job.raw.value);
      job.state = clip(stateLabel(s.value), MAX_DETAIL_CHARS);
    }
    if (Array.isArray(s.tags)) head.tags = s.tags.filter((t): t is string => typeof t === 'string').slice(0, MAX_TAGS).map((t) => clip(t, MAX_FIELD_CHARS));
    if (context) {
      job.raw.context = capped(context, this.options.maxContextChars, (size) => summaryOf(context, CONTEXT_SUMMARY, size, this.options.maxContextChars));
      head.jobId = context.jobId === null || context.jobId === undefined ? null : clip(String(context.jobId), MAX_FIELD_CHARS);
      head.progress = num(context.progress);
    }
    const output = obj(s.output);
    if ('output' in s) {
      const max = Math.floor(this.options.maxContextChars * OUTPUT_SHARE);
      job.raw.output = capped(s.output ?? null, max, (size) => summaryOf(output ?? {}, ['status', 'jobId'], size, max));
    }
    const outcome = str(output?.status) ?? str(obj(context?.outcome)?.status);
    if (outcome !== null) head.outcome = clip(outcome, MAX_FIELD_CHARS);
    head.updatedAt = Math.max(head.updatedAt, at);
    for (const entry of job.unsettled.splice(0)) this.moment(job, entry);
    this.noteChanges(key, job, context, output, at, wasActive);
    // What this snapshot noted already shows the state it led to.
    job.unsettled.length = 0;
    this.changed(key, job);
  }

  /** Counts a change of state; past `MAX_MOVES` distinct ones, only those already known are counted. */
  private moved(job: Job, from: string, to: string): void {
    if (from.length > MAX_MOVE_VALUE_CHARS || to.length > MAX_MOVE_VALUE_CHARS) return;
    const pair = `${from}\u0000${to}`;
    const count = job.moves.get(pair);
    if (count === undefined && job.moves.size >= MAX_MOVES) return;
    job.moves.set(pair, (count ?? 0) + 1);
    if (count === undefined) job.movesBytes += ENTRY_OVERHEAD_BYTES + sizeOf(pair);
  }

  /** Where a person's event for this job goes: its producer connection and session id, if it takes events. */
  target(key: string): { producer: string; sessionId: string; active: boolean } | null {
    const job = this.jobs.get(key);
    if (!job || !job.head.acceptsEvents || !job.head.connected) return null;
    return { producer: job.producer, sessionId: job.ownSessionId, active: job.head.status === 'active' };
  }

  /** A producer said it takes person events: its jobs, present and future, offer the page's actions. */
  answers(producer: string): void {
    this.answering.add(producer);
    for (const key of this.producers.get(producer)?.keys ?? []) {
      this.jobs.get(key)!.head.acceptsEvents = true;
      this.dirty.add(key);
    }
  }

  /** The producer went away: its jobs stay listed, marked as no longer live. */
  disconnected(producer: string): void {
    this.answering.delete(producer);
    for (const key of this.producers.get(producer)?.keys ?? []) {
      const job = this.jobs.get(key)!;
      if (job.head.connected) {
        job.head.connected = false;
        this.dirty.add(key);
      }
    }
  }

  private noteChanges(key: string, job: Job, context: Json | null, output: Json | null, at: number, wasActive: boolean): void {
    const requests = num(context?.requests);
    if (requests !== null && Number.isSafeInteger(requests) && requests > job.requests) {
      // One entry per frame, whatever the count says: several requests between two frames read as a range.
      const from = job.requests + 1;
      this.add(key, job, at, { kind: 'request', title: from === requests ? `request #${requests}` : `requests #${from}–#${requests}`, detail: job.state });
      job.requests = requests;
    }
    const wakeAt = num(context?.wakeAt);
    if (wakeAt !== null && wakeAt !== job.wakeAt) {
      const from = num(obj(context?.lastAnswer)?.at);
      const reason = str(context?.waitReason);
      const delay = from !== null ? ` ${formatDuration(wakeAt - from)}` : '';
      this.add(key, job, at, { kind: 'wait', title: `wait${delay}`, detail: waitReasonText(reason) });
    }
    job.wakeAt = wakeAt;
    const tags = new Set(job.head.tags);
    for (const tag of tags) {
      if (!job.tags.has(tag) && (tag === 'needs-input' || tag === 'needs-person' || tag === 'needs-payment')) {
        const question = str(context?.clarification) ?? (tag === 'needs-payment' ? 'payment required' : null);
        this.add(key, job, at, { kind: 'person', title: 'waiting for a person', ...(question ? { detail: question } : {}) });
      }
    }
    job.tags = tags;
    if (wasActive && job.head.status !== 'active') {
      const outcome = output ?? obj(context?.outcome);
      const error = obj(outcome?.error);
      const message = str(error?.message);
      this.add(key, job, at, {
        kind: 'end',
        title: job.head.outcome ?? job.head.status,
        ...(message ? { detail: [str(error?.kind) ?? str(error?.code), message].filter(Boolean).join(': ') } : {}),
      });
    }
  }

  private add(key: string, job: Job, at: number, entry: Omit<TimelineEntry, 'seq' | 'at'>): void {
    const full: TimelineEntry = {
      seq: ++this.seq,
      at,
      kind: entry.kind,
      title: clip(entry.title, MAX_TITLE_CHARS),
      ...(entry.detail === undefined ? {} : { detail: clip(entry.detail, MAX_DETAIL_CHARS) }),
    };
    this.moment(job, full);
    // From an event: the snapshot that follows it shows where it led.
    if (entry.kind !== 'end') job.unsettled.push(full);
    const dropped = job.timeline.push(full);
    job.timelineBytes += entryBytes(full) - (dropped ? entryBytes(dropped) : 0);
    this.entries.push({ key, entry: full });
    if (this.entries.length >= 2 * MAX_PENDING_ENTRIES) this.entries = this.entries.slice(-MAX_PENDING_ENTRIES);
  }

  /** Notes on `entry` the job as it is now, for replay: its state value and its context, summarised past a bound. */
  private moment(job: Job, entry: TimelineEntry): void {
    const before = entry.value === undefined ? 0 : entryBytes(entry);
    entry.value = JSON.parse(job.raw.value);
    const context = job.raw.context.length <= MAX_MOMENT_CONTEXT_CHARS ? job.raw.context : JSON.stringify(summaryOf(JSON.parse(job.raw.context), CONTEXT_SUMMARY, job.raw.context.length, MAX_MOMENT_CONTEXT_CHARS));
    entry.context = JSON.parse(context);
    if (before) job.timelineBytes += entryBytes(entry) - before;
  }

  /** Recounts a job's bytes, marks it for the next batch, and makes room if the store is now over a bound. */
  private changed(key: string, job: Job): void {
    const bytes = JOB_OVERHEAD_BYTES + sizeOf(JSON.stringify(job.head)) + sizeOf(job.raw.context) + sizeOf(job.raw.output) + sizeOf(job.raw.value) + job.timelineBytes + job.movesBytes;
    this.producers.get(job.producer)!.bytes += bytes - job.bytes;
    this.totalBytes += bytes - job.bytes;
    job.bytes = bytes;
    this.dirty.add(key);
    this.makeRoom(key);
  }

  private makeRoom(keep: string): void {
    while (this.jobs.size > this.options.maxJobs || this.totalBytes > this.options.maxStoreBytes) {
      const victim = this.victim(keep, this.jobs.size > this.options.maxJobs ? 'count' : 'bytes');
      if (victim === undefined) return;
      this.forget(victim);
    }
  }

  /**
   * The job to forget: from the producer holding the most (jobs, or bytes), its oldest finished job, else its
   * oldest. On a tie the producer of `keep` (the job just added or grown) gives way.
   */
  private victim(keep: string, by: 'count' | 'bytes'): string | undefined {
    const keepProducer = this.jobs.get(keep)?.producer;
    let holder: { keys: Set<string> } | undefined;
    let most = -1;
    for (const [producer, held] of this.producers) {
      const amount = by === 'count' ? held.keys.size : held.bytes;
      if (amount > most || (amount === most && producer === keepProducer)) {
        holder = held;
        most = amount;
      }
    }
    if (!holder) return undefined;
    let oldest: string | undefined;
    for (const key of holder.keys) {
      if (key === keep) continue;
      if (this.jobs.get(key)!.head.status !== 'active') return key;
      oldest ??= key;
    }
    return oldest;
  }

  private forget(key: string): void {
    const job = this.jobs.get(key)!;
    this.uncount(key, job);
    this.totalBytes -= job.bytes;
    this.jobs.delete(key);
    this.dirty.delete(key);
    this.removed.add(key);
    this.evicted++;
  }
}

/** Characters of context kept per timeline entry for replay; a larger one keeps its summary. */
const MAX_MOMENT_CONTEXT_CHARS = 4_096;

const entryBytes = (entry: TimelineEntry): number =>
  ENTRY_OVERHEAD_BYTES + sizeOf(entry.title) + sizeOf(entry.detail ?? '') + sizeOf(JSON.stringify(entry.value ?? null)) + sizeOf(JSON.stringify(entry.context ?? null));

/** `value` as JSON text, or the JSON of `instead(size)` when its text is longer than `max` characters. */
function capped(value: unknown, max: number, instead: (size: number) => unknown): string {
  const text = JSON.stringify(value ?? null) ?? 'null';
  return text.length <= max ? text : JSON.stringify(instead(text.length));
}

/** A too-large object's short fields (numbers, booleans, short strings), with a note of what was left out. */
function summaryOf(value: Json, fields: string[], size: number, max: number): Json {
  const out: Json = { truncated: `${Math.round(size / 1024)} K characters, more than the ${Math.round(max / 1024)} K the hub keeps per job` };
  for (const field of fields) {
    const inner = value[field];
    if (typeof inner === 'number' || typeof inner === 'boolean' || inner === null) out[field] = inner;
    else if (typeof inner === 'string') out[field] = clip(inner, MAX_DETAIL_CHARS);
  }
  return out;
}

function describeEvent(type: string, e: Json): Omit<TimelineEntry, 'seq' | 'at'> | null {
  const message = str(e.message);
  // The start is noted from the actor frame; timers and granted budgets are followed by a request entry anyway.
  if (type === 'timer.due' || type === 'budget.granted' || type.startsWith('xstate.')) return null;
  if (type.startsWith('budget.')) return { kind: 'wait', title: `rate budget: ${type.slice('budget.'.length)}`, detail: 'pacing requests under the provider’s limit' };
  if (type === 'submit.accepted') return { kind: 'answer', title: 'accepted', detail: `job ${String(e.jobId ?? '?')}` };
  if (type.startsWith('submit.')) return { kind: 'answer', title: type.slice('submit.'.length), ...(message ? { detail: message } : {}) };
  if (type.startsWith('status.')) {
    const progress = num(e.progress);
    const detail = [progress !== null ? `${Math.round(progress * 100)} %` : null, message].filter(Boolean).join(' · ');
    return { kind: 'answer', title: type.slice('status.'.length), ...(detail ? { detail } : {}) };
  }
  if (type === 'http.rateLimited') {
    const retryAfter = num(e.retryAfterMs);
    const detail = [retryAfter !== null ? `Retry-After ${formatDuration(retryAfter)}` : null, message].filter(Boolean).join(' · ');
    return { kind: 'rateLimited', title: '429 rate limited', ...(detail ? { detail } : {}) };
  }
  if (type === 'http.transient') {
    return { kind: 'retry', title: `transient failure${str(e.reason) ? ` (${str(e.reason)})` : ''}`, ...(message ? { detail: message } : {}) };
  }
  if (type.startsWith('http.')) {
    const status = num(e.httpStatus);
    return { kind: 'refusal', title: `${status ?? ''} ${type.slice('http.'.length)}`.trim(), ...(message ? { detail: message } : {}) };
  }
  if (/^[A-Z]/.test(type)) {
    const said = str(e.response) ?? str(e.answer) ?? str(e.text) ?? message;
    return { kind: 'person', title: type, ...(said ? { detail: said.slice(0, 200) } : {}) };
  }
  return { kind: 'event', title: type, ...(message ? { detail: message } : {}) };
}

function waitReasonText(reason: string | null): string {
  if (reason === 'poll') return 'until the next poll';
  if (reason === 'rateLimited') return 'backing off after 429';
  if (reason === 'retry') return 'before retrying';
  if (reason === 'budget') return 'for the key’s rate budget';
  if (reason === 'person') return 'for a person, until their time is up';
  return reason ?? '';
}
