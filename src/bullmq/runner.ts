/**
 * `bullmqRunner`: jobs kept in Redis and stepped by any number of worker processes, on BullMQ.
 *
 * A job is one BullMQ job whose data is the chart's snapshot (never a key). A step is one run of the BullMQ job:
 * restore, apply the person events stored since the last step, run until the chart waits or ends, then store the
 * snapshot and move the job to delayed until `wakeAt` in ONE write that BullMQ checks against the step's lock token
 * (`moveToDelayed` with the fields to update): a worker that lost its lock (frozen, cut off) can neither overwrite a
 * newer snapshot nor reschedule the job. A job waiting for a person is parked (delayed far ahead) until `send`
 * promotes it. Person events are a Redis list per job; the snapshot records how many were applied, in the same write.
 */
import { DelayedError, Queue, QueueEvents, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { decodeJson, encodeJson } from '../runner/json.js';
import { mayCreate, stepStoredJob, type StoredJob } from '../runner/stored-step.js';
import { prepareSubmit } from '../runner/submit.js';
import type { JobView, PersonEvent, Runner, RunnerConfig, SubmitInput, SubmitOptions, WorkOptions } from '../runner/types.js';
import { checkPersonEvent, sendFromPage, watchOutcome } from '../runner/watching.js';
import { redisOptions } from './connection.js';
import { RedisRateBudget } from './budget.js';
import { Checkpoints } from './checkpoint.js';
import { holdStepLock } from './step-lock.js';

export interface BullmqRunnerConfig extends RunnerConfig {
  /** Redis: `{ host, port }` (ioredis options) or a `redis://` URL. */
  connection: RedisOptions | string;
  /** Key prefix in Redis (default `jobcharts`): runners with the same prefix share jobs. */
  prefix?: string;
  /**
   * How long a step holds its job (BullMQ's lock, renewed while the step runs, so a long request keeps it), and how
   * often workers look for steps whose worker died. A step cut off by a crash runs again after about
   * `lockDurationMs + stalledIntervalMs`. Defaults 15 s and 5 s.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * How many times a job may be found stalled over its whole life before BullMQ fails it. BullMQ never resets the
   * count, and a chart job is stepped hundreds of times, so the default is high (1000), not BullMQ's 1.
   */
  maxStalledCount?: number;
  /** How long an ended job (its outcome, which may hold signed download links) stays in Redis. Default 24 h. */
  keepEndedMs?: number;
}

/** What the BullMQ job's data holds: the stored job, the events applied so far, and the view of its last step. */
interface StepData {
  job: string;
  applied: number;
  view: string;
}

const QUEUE = 'jobs';
/** The BullMQ job hash's field that marks a step that may send a create (see `mayCreate`). */
const CREATE_MARK = 'jobchartsCreateSent';
/** A job waiting for a person without a limit is parked this far ahead, and parked again if still waiting then. */
const PARK_MS = 30 * 24 * 3_600_000;

export function bullmqRunner(config: BullmqRunnerConfig): Runner {
  return new BullmqRunner(config);
}

class BullmqRunner implements Runner {
  private readonly options: RedisOptions;
  private readonly prefix: string;
  private readonly queue: Queue;
  private readonly redis: Redis;
  private subscriber: Redis | undefined;
  private events: Promise<QueueEvents> | undefined;
  /** The view each watched job's watchers had last (encoded), so that one heard twice is handed over once. */
  private readonly lastViews = new Map<string, string>();
  private readonly watchers = new Map<string, Set<(view: JobView) => void>>();
  /** Each watched job's subscription to its view channel, once Redis has confirmed it. */
  private readonly subscriptions = new Map<string, Promise<unknown>>();
  private readonly workers: Worker[] = [];
  private readonly budget: RedisRateBudget;
  private readonly checkpoints: Checkpoints;
  private closed = false;

  constructor(private readonly config: BullmqRunnerConfig) {
    this.options = { ...redisOptions(config.connection), maxRetriesPerRequest: null };
    this.prefix = config.prefix ?? 'jobcharts';
    this.redis = new Redis(this.options);
    this.queue = new Queue(QUEUE, { connection: this.connection(), prefix: this.prefix });
    this.budget = new RedisRateBudget(this.redis, this.prefix, config.rateLimits ?? {});
    this.checkpoints = new Checkpoints(this.redis);
  }

  /** ioredis options, as BullMQ opens its own connections from them (its types name another ioredis's). */
  private connection(): ConnectionOptions {
    return this.options as unknown as ConnectionOptions;
  }

  private eventsKey(id: string): string {
    return `${this.prefix}:person-events:${id}`;
  }

  private viewChannel(id: string): string {
    return `${this.prefix}:views:${id}`;
  }

  async submit(provider: string, input: SubmitInput, options?: SubmitOptions): Promise<string> {
    this.assertOpen();
    const { job, view } = prepareSubmit(this.config, provider, input, options);
    const data: StepData = { job: encodeJson(job), applied: 0, view: encodeJson(view) };
    await this.queue.add('step', data, { jobId: job.id, ...this.jobOptions() });
    return job.id;
  }

  private jobOptions() {
    const age = Math.ceil((this.config.keepEndedMs ?? 24 * 3_600_000) / 1000);
    // A step that throws is a bug, not an outcome: try again from the last snapshot, a few times, slower each time.
    return { removeOnComplete: { age }, removeOnFail: { age }, attempts: 5, backoff: { type: 'exponential', delay: 1_000 } };
  }

  async send(id: string, event: PersonEvent): Promise<void> {
    this.assertOpen();
    const checked = checkPersonEvent(event);
    const job = await this.queue.getJob(id);
    if (!job) throw new Error(`no job ${id} in this runner's Redis`);
    if (job.finishedOn) return;
    await this.redis.rpush(this.eventsKey(id), encodeJson(checked));
    // A parked or delayed job is due now; an active one finds the event when its step ends (see publishAndWakeIfEventsCame).
    await job.promote().catch(() => undefined);
  }

  watch(id: string, listener: (view: JobView) => void): () => void {
    let listeners = this.watchers.get(id);
    if (!listeners) {
      this.watchers.set(id, (listeners = new Set()));
      const live = Promise.all([this.subscriberConnection().subscribe(this.viewChannel(id)), this.stepEvents()]);
      this.subscriptions.set(id, live.catch(() => undefined));
    }
    listeners.add(listener);
    // The stored view is read once the subscription is live: a view published before then is in the job already,
    // one published after reaches the listener. Reading it first could miss a job that ends in between.
    void (this.subscriptions.get(id) ?? Promise.resolve())
      .then(() => this.currentView(id))
      .then((view) => {
        if (view && listeners.has(listener)) listener(view);
      });
    return () => {
      listeners.delete(listener);
      if (listeners.size || this.watchers.get(id) !== listeners) return;
      this.watchers.delete(id);
      this.subscriptions.delete(id);
      this.lastViews.delete(id);
      if (!this.closed) void this.subscriber?.unsubscribe(this.viewChannel(id));
    };
  }

  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      this.subscriber = new Redis(this.options);
      this.subscriber.on('message', (channel: string, message: string) => this.deliver(channel.slice(`${this.prefix}:views:`.length), message));
      // ioredis reconnects by itself; an error without a listener would be printed as unhandled.
      this.subscriber.on('error', (error: Error) => process.emitWarning(`jobcharts: ${error.message}`));
    }
    return this.subscriber;
  }

  /** Hands a job's view (as stored: encoded) to its watchers, unless it is the one they had last. */
  private deliver(id: string, encoded: string): void {
    const listeners = this.watchers.get(id);
    if (!listeners || this.lastViews.get(id) === encoded) return;
    this.lastViews.set(id, encoded);
    const view = decodeJson<JobView>(encoded);
    for (const listener of [...listeners]) listener(view);
  }

  /**
   * BullMQ's own events (a Redis stream written in the same script that stores a step or completes the job): a view
   * reaches its watchers even when the worker that stored it died before publishing it — a job's end, or the view
   * that says it waits for a person, who would otherwise never be asked.
   */
  private stepEvents(): Promise<QueueEvents> {
    this.events ??= (async () => {
      // From the last event now in the stream: a step stored while the events connect is not missed.
      const [last] = await this.redis.xrevrange(`${this.prefix}:${QUEUE}:events`, '+', '-', 'COUNT', 1);
      const events = new QueueEvents(QUEUE, { connection: this.connection(), prefix: this.prefix, lastEventId: last?.[0] ?? '0-0' });
      events.on('completed', ({ jobId, returnvalue }) => {
        const ended = (typeof returnvalue === 'string' ? decodeJson(returnvalue) : returnvalue) as { view?: string } | null;
        if (ended?.view) this.deliver(jobId, ended.view);
      });
      events.on('delayed', ({ jobId }) => {
        if (!this.watchers.has(jobId)) return;
        void this.storedView(jobId).then((encoded) => encoded && this.deliver(jobId, encoded), () => undefined);
      });
      events.on('error', (error) => process.emitWarning(`jobcharts: ${error.message}`));
      await events.waitUntilReady();
      return events;
    })();
    return this.events;
  }

  private async currentView(id: string): Promise<JobView | undefined> {
    const encoded = await this.storedView(id);
    return encoded ? decodeJson<JobView>(encoded) : undefined;
  }

  /** The job's view as stored with its last step (encoded), or its end's. */
  private async storedView(id: string): Promise<string | undefined> {
    const job = await this.queue.getJob(id);
    if (!job) return undefined;
    const ended = job.returnvalue as { view?: string } | null;
    return ended?.view ?? (job.data as StepData).view;
  }

  async outcome(id: string) {
    if (!(await this.queue.getJob(id))) throw new Error(`no job ${id} in this runner's Redis`);
    return watchOutcome(this, id);
  }

  async work(options: WorkOptions = {}): Promise<void> {
    this.assertOpen();
    const worker = new Worker(QUEUE, (job, token, signal) => this.step(job, token!, signal), {
      connection: this.connection(),
      prefix: this.prefix,
      concurrency: Math.max(1, options.concurrency ?? 10),
      lockDuration: this.lockDurationMs(),
      stalledInterval: this.config.stalledIntervalMs ?? 5_000,
      maxStalledCount: this.config.maxStalledCount ?? 1_000,
    });
    worker.on('error', (error) => process.emitWarning(`jobcharts worker: ${error.message}`));
    // A lock that could not be renewed is another worker's now: stop the step (see step()).
    worker.on('lockRenewalFailed', (ids: string[]) => ids.forEach((id) => worker.cancelJob(id, 'lock lost')));
    worker.on('completed', (job) => {
      const ended = job.returnvalue as { view: string };
      void this.redis.multi().publish(this.viewChannel(job.id!), ended.view).del(this.eventsKey(job.id!)).exec();
    });
    this.workers.push(worker);
    await worker.waitUntilReady();
  }

  private lockDurationMs(): number {
    return this.config.lockDurationMs ?? 15_000;
  }

  /** One step of one job, under BullMQ's lock `token`. */
  private async step(job: Job, token: string, signal: AbortSignal | undefined): Promise<{ view: string }> {
    const data = job.data as StepData;
    const stored = decodeJson<StoredJob>(data.job);
    const jobKey = this.queue.toKey(job.id!);
    const [[, storedEvents] = [], [, mark] = []] = (await this.redis.multi().lrange(this.eventsKey(stored.id), data.applied, -1).hget(jobKey, CREATE_MARK).exec()) ?? [];
    const events = (storedEvents as string[]).map((e) => decodeJson<PersonEvent>(e));
    // A create that must not be sent twice is marked by the gate as it goes; the step's fenced write clears the mark.
    const marked = mayCreate(stored);
    const cutOff = marked && mark === '1';
    // The step stops (its job cancelled in memory, nothing written) once it no longer holds the job's lock.
    const lost = new AbortController();
    const loseLock = () => lost.abort();
    signal?.addEventListener('abort', loseLock, { once: true });
    const releaseLock = holdStepLock(job, token, this.lockDurationMs(), loseLock);
    const lock = { key: `${jobKey}:lock`, jobKey, token };
    let marking = marked;
    const gate = this.budget.gateFor(stored, lock, loseLock, () => (marking ? CREATE_MARK : ''));
    // Stored mid-step (see stepJob): the person events, applied, before any request goes; the job id as soon as the
    // create is answered, clearing the create mark (a step cut off later need not end the job unconfirmed).
    const checkpoint = async (snapshot: unknown, why: 'events' | 'jobId') => {
      const applied: StepData = { job: encodeJson({ ...stored, snapshot }), applied: data.applied + events.length, view: data.view };
      const created = why === 'jobId' && marked;
      if (!(await this.checkpoints.store(lock, JSON.stringify(applied), created ? CREATE_MARK : ''))) {
        loseLock();
        throw new Error(`job ${stored.id}: this worker lost its lock in the middle of its step`);
      }
      if (created) marking = false;
    };
    const result = await stepStoredJob(this.config, stored, events, { gate, createMayHaveBeenSent: cutOff, signal: lost.signal, checkpoint, sendToJob: sendFromPage(this, stored.id) }).finally(() => {
      releaseLock();
      signal?.removeEventListener('abort', loseLock);
    });
    if (lost.signal.aborted) throw new Error(`job ${stored.id}: this worker lost its lock during the step; its result is dropped`);
    if (result.kind === 'left') {
      await this.moveToDelayed(job, token, result.retryAt, undefined);
      throw new DelayedError();
    }
    const view = encodeJson(result.view);
    // Ended: BullMQ's own completion (checked against the lock too) keeps the view with the outcome.
    if (result.outcome) return { view };
    const next: StepData = { job: encodeJson({ ...stored, snapshot: result.snapshot }), applied: data.applied + events.length, view };
    await this.moveToDelayed(job, token, result.dueAt ?? Date.now() + PARK_MS, next, marking);
    await this.publishAndWakeIfEventsCame(job, view, next.applied);
    throw new DelayedError();
  }

  /**
   * Stores `data` (when given) and delays the job until `at`, in one script BullMQ runs only while `token` still
   * holds the job's lock. BullMQ's public `job.moveToDelayed` takes no data; its backend's does (`fieldsToUpdate`).
   */
  private async moveToDelayed(job: Job, token: string, at: number, data: StepData | undefined, clearCreateMark = false): Promise<void> {
    const backend = (job as unknown as { backend: BackendWithDelay }).backend;
    const now = Date.now();
    const fields: Record<string, string> = {};
    if (data) fields.data = JSON.stringify(data);
    if (clearCreateMark) fields[CREATE_MARK] = '0';
    await backend.moveToDelayed(job.id!, now, Math.max(0, at - now), token, {
      skipAttempt: true,
      ...(Object.keys(fields).length ? { fieldsToUpdate: fields } : {}),
    });
  }

  /** An event sent while the step ran found the job active and could not promote it: promote it now. */
  private async publishAndWakeIfEventsCame(job: Job, view: string, applied: number): Promise<void> {
    // One round trip for both: the view to the watchers, and how many events the job has now.
    const [, [, stored] = []] = (await this.redis.multi().publish(this.viewChannel(job.id!), view).llen(this.eventsKey(job.id!)).exec()) ?? [];
    if ((stored as number) > applied) await job.promote().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.close()));
    await this.queue.close();
    await (await this.events?.catch(() => undefined))?.close();
    this.watchers.clear();
    await Promise.all([this.redis.quit(), this.subscriber?.quit()].map((p) => p?.catch(() => undefined)));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('this runner is closed');
  }
}

interface BackendWithDelay {
  moveToDelayed(jobId: string, timestamp: number, delay: number, token: string, opts: { skipAttempt?: boolean; fieldsToUpdate?: Record<string, string> }): Promise<unknown>;
}

