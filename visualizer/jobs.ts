import type { JobView, TimelineEntry } from './protocol.js';
import { formatDuration } from './format.js';
import { Ring } from './ring.js';
import { stateLabel } from './state-value.js';

export interface JobStoreOptions {
  /** Timeline entries kept per job (oldest dropped first). */
  historyLimit: number;
  /** Jobs kept at all; past this the oldest finished job (else the oldest job) is forgotten. */
  maxJobs: number;
}

type Json = Record<string, unknown>;

interface Job {
  view: JobView;
  timeline: Ring<TimelineEntry>;
  requests: number;
  wakeAt: number | null;
  tags: Set<string>;
}

const obj = (value: unknown): Json | null => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The jobs the hub knows, and the timeline of each, derived from the inspection frames of their root actors. */
export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private seq = 0;
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  private entries: Array<{ key: string; entry: TimelineEntry }> = [];
  evicted = 0;

  constructor(private readonly options: JobStoreOptions) {}

  get size(): number {
    return this.jobs.size;
  }

  has(key: string): boolean {
    return this.jobs.has(key);
  }

  views(): JobView[] {
    return [...this.jobs.values()].map((job) => job.view);
  }

  timeline(key: string): TimelineEntry[] {
    return this.jobs.get(key)?.timeline.toArray() ?? [];
  }

  /** What changed since the last call: jobs to redraw, jobs forgotten, new timeline entries. */
  drain(): { jobs: JobView[]; removed: string[]; entries: Array<{ key: string; entry: TimelineEntry }> } {
    const jobs = [...this.dirty].flatMap((key) => (this.jobs.has(key) ? [this.jobs.get(key)!.view] : []));
    const out = { jobs, removed: [...this.removed], entries: this.entries };
    this.dirty.clear();
    this.removed.clear();
    this.entries = [];
    return out;
  }

  get pending(): boolean {
    return this.dirty.size > 0 || this.removed.size > 0 || this.entries.length > 0;
  }

  /** A root actor started (`@xstate.actor` without a parent). */
  actor(key: string, sessionId: string, provider: string, at: number, snapshot: unknown): void {
    if (!this.jobs.has(key)) {
      this.jobs.set(key, {
        view: {
          key,
          sessionId,
          provider,
          jobId: null,
          status: 'active',
          outcome: null,
          value: null,
          tags: [],
          progress: null,
          startedAt: at,
          updatedAt: at,
          connected: true,
          context: null,
          output: null,
        },
        timeline: new Ring(this.options.historyLimit),
        requests: 0,
        wakeAt: null,
        tags: new Set(),
      });
      this.evictBeyondLimit(key);
      const jobId = obj(obj(snapshot)?.context)?.jobId;
      const attached = jobId !== undefined && jobId !== null;
      this.add(key, this.jobs.get(key)!, at, attached ? { kind: 'start', title: 'attached', detail: `job ${String(jobId)}` } : { kind: 'start', title: 'started', detail: 'submit a new job' });
    }
    this.snapshot(key, snapshot, at);
  }

  /** An event the root actor received. */
  event(key: string, event: unknown, at: number): void {
    const job = this.jobs.get(key);
    const e = obj(event);
    const type = str(e?.type);
    if (!job || !e || !type) return;
    const entry = describeEvent(type, e);
    if (entry) this.add(key, job, at, entry);
    job.view.updatedAt = Math.max(job.view.updatedAt, at);
    this.dirty.add(key);
  }

  /** A new snapshot of the root actor. */
  snapshot(key: string, snapshot: unknown, at: number): void {
    const job = this.jobs.get(key);
    const s = obj(snapshot);
    if (!job || !s) return;
    const view = job.view;
    const context = obj(s.context);
    const wasActive = view.status === 'active';
    if (typeof s.status === 'string') view.status = s.status;
    if ('value' in s) view.value = s.value;
    if (Array.isArray(s.tags)) view.tags = s.tags.filter((t): t is string => typeof t === 'string');
    if (context) {
      view.context = context;
      view.jobId = context.jobId === null || context.jobId === undefined ? null : String(context.jobId);
      view.progress = num(context.progress);
    }
    if ('output' in s) view.output = s.output ?? null;
    view.outcome = str(obj(s.output)?.status) ?? str(obj(context?.outcome)?.status) ?? view.outcome;
    view.updatedAt = Math.max(view.updatedAt, at);
    this.noteChanges(key, job, context, at, wasActive);
    this.dirty.add(key);
  }

  /** The producer went away: its jobs stay listed, marked as no longer live. */
  disconnected(keyPrefix: string): void {
    for (const [key, job] of this.jobs) {
      if (key.startsWith(keyPrefix) && job.view.connected) {
        job.view.connected = false;
        this.dirty.add(key);
      }
    }
  }

  private noteChanges(key: string, job: Job, context: Json | null, at: number, wasActive: boolean): void {
    const view = job.view;
    const requests = num(context?.requests);
    if (requests !== null && requests > job.requests) {
      const what = stateLabel(view.value);
      for (let n = job.requests + 1; n <= requests; n++) this.add(key, job, at, { kind: 'request', title: `request #${n}`, detail: what });
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
    const tags = new Set(view.tags);
    for (const tag of tags) {
      if (!job.tags.has(tag) && (tag === 'needs-input' || tag === 'needs-person' || tag === 'needs-payment')) {
        const question = str(context?.clarification) ?? (tag === 'needs-payment' ? 'payment required' : null);
        this.add(key, job, at, { kind: 'person', title: 'waiting for a person', ...(question ? { detail: question } : {}) });
      }
    }
    job.tags = tags;
    if (wasActive && view.status !== 'active') {
      const outcome = obj(view.output) ?? obj(context?.outcome);
      const error = obj(outcome?.error);
      const message = str(error?.message);
      this.add(key, job, at, {
        kind: 'end',
        title: view.outcome ?? view.status,
        ...(message ? { detail: [str(error?.kind) ?? str(error?.code), message].filter(Boolean).join(': ') } : {}),
      });
    }
  }

  private add(key: string, job: Job, at: number, entry: Omit<TimelineEntry, 'seq' | 'at'>): void {
    const full: TimelineEntry = { seq: ++this.seq, at, ...entry };
    job.timeline.push(full);
    this.entries.push({ key, entry: full });
  }

  private evictBeyondLimit(keep: string): void {
    while (this.jobs.size > this.options.maxJobs) {
      let victim: string | undefined;
      for (const [key, job] of this.jobs) {
        if (key !== keep && job.view.status !== 'active') {
          victim = key;
          break;
        }
      }
      victim ??= [...this.jobs.keys()].find((key) => key !== keep);
      if (victim === undefined) return;
      this.jobs.delete(victim);
      this.dirty.delete(victim);
      this.removed.add(victim);
      this.evicted++;
    }
  }
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
