/**
 * `localRunner`: the embedded default. One process steps the jobs; they are kept in a local SQLite file, so an app
 * that restarts (or is killed) finds them there and goes on. Switching to many processes is one line: `bullmqRunner`.
 */
import { setRateLimit } from '../core/budget-registry.js';
import { keyFor } from './keys.js';
import { SqliteJobStore, type ClaimedJob } from './sqlite-store.js';
import { mayCreate, stepStoredJob } from './stored-step.js';
import type { RequestGate } from '../core/start-input.js';
import { prepareSubmit } from './submit.js';
import type { JobView, PersonEvent, Runner, RunnerClock, RunnerConfig, SubmitInput, SubmitOptions, WorkOptions } from './types.js';
import { checkPersonEvent, sendFromPage, watchOutcome } from './watching.js';

export interface LocalRunnerConfig extends RunnerConfig {
  /** The database file (created if missing, with its folder). `':memory:'` keeps jobs in memory only (tests). */
  file: string;
  /** The actor system's clock for every job (`SimulatedClock` in tests). Default: wall time. */
  clock?: RunnerClock;
  /**
   * How long a step holds its job before another process may take it over (a step renews it while it runs):
   * after a crash, a restarted process steps the job once this has passed. Default 10 s.
   */
  leaseMs?: number;
  /** How often the store is read for steps of other processes (watchers) and for jobs whose lease ran out. Default 500 ms. */
  pollMs?: number;
  /** How long an ended job (its outcome, which may hold signed download links) is kept. Default 24 h. */
  keepEndedMs?: number;
}

export function localRunner(config: LocalRunnerConfig): Runner {
  return new LocalRunner(config);
}

class LocalRunner implements Runner {
  private readonly store: SqliteJobStore;
  private readonly clock: RunnerClock | undefined;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly watchers = new Map<string, { version: number; listeners: Set<(view: JobView) => void> }>();
  private readonly inFlight = new Set<Promise<void>>();
  private watchTimer: ReturnType<typeof setInterval> | undefined;
  private working: Promise<void> | undefined;
  private poke: (() => void) | undefined;
  private closed = false;

  constructor(private readonly config: LocalRunnerConfig) {
    if (typeof config?.file !== 'string' || config.file === '') {
      throw new TypeError("localRunner needs `file`: the database file its jobs are kept in (e.g. '.jobcharts/jobs.db'), or ':memory:'");
    }
    this.store = new SqliteJobStore(config.file);
    this.clock = config.clock;
    this.leaseMs = config.leaseMs ?? 10_000;
    this.pollMs = config.pollMs ?? 500;
  }

  private now(): number {
    return this.clock?.now ? this.clock.now() : Date.now();
  }

  async submit(provider: string, input: SubmitInput, options?: SubmitOptions): Promise<string> {
    this.assertOpen();
    const { job, view, dueAt } = prepareSubmit(this.config, provider, input, options, this.clock, true);
    this.store.insert(job, view, dueAt);
    this.poke?.();
    return job.id;
  }

  async send(id: string, event: PersonEvent): Promise<void> {
    this.assertOpen();
    const stored = this.store.addEvent(id, checkPersonEvent(event), this.now());
    if (stored === 'unknown') throw new Error(`no job ${id} in this runner's store`);
    this.poke?.();
  }

  watch(id: string, listener: (view: JobView) => void): () => void {
    let entry = this.watchers.get(id);
    if (!entry) this.watchers.set(id, (entry = { version: -1, listeners: new Set() }));
    entry.listeners.add(listener);
    const current = this.store.view(id);
    if (current) queueMicrotask(() => entry.listeners.has(listener) && listener(current.view));
    this.watchTimer ??= setInterval(() => this.readWatched(), this.pollMs);
    return () => {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0) this.watchers.delete(id);
      if (this.watchers.size === 0 && this.watchTimer) {
        clearInterval(this.watchTimer);
        this.watchTimer = undefined;
      }
    };
  }

  outcome(id: string) {
    if (!this.store.view(id)) return Promise.reject(new Error(`no job ${id} in this runner's store`));
    return watchOutcome(this, id);
  }

  work(options: WorkOptions = {}): Promise<void> {
    this.assertOpen();
    this.working ??= this.loop(Math.max(1, options.concurrency ?? 10));
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.poke?.();
    await this.working;
    await Promise.all(this.inFlight);
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchers.clear();
    this.store.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('this runner is closed');
  }

  /** Steps due jobs, `concurrency` at a time, then sleeps until the next is due (or a submit, send or step wakes it). */
  private async loop(concurrency: number): Promise<void> {
    const keepEndedMs = this.config.keepEndedMs ?? 24 * 3_600_000;
    let purgedAt = 0;
    while (!this.closed) {
      const free = concurrency - this.inFlight.size;
      if (free > 0) for (const claimed of this.store.claimDue(this.now(), Date.now(), this.leaseMs, free)) this.start(claimed);
      if (Date.now() - purgedAt > 60_000) {
        purgedAt = Date.now();
        this.store.purgeEnded(Date.now() - keepEndedMs);
      }
      await this.sleep(this.inFlight.size >= concurrency ? null : this.store.nextDueAt(Date.now()));
    }
  }

  /** Until `dueAt` on the jobs' clock, a poke, or `pollMs` of wall time (a lease of a dead process may run out). */
  private sleep(dueAt: number | null): Promise<void> {
    return new Promise((resolve) => {
      let clockTimer: unknown;
      const wake = () => {
        this.poke = undefined;
        clearTimeout(wallTimer);
        if (clockTimer !== undefined) clearOn(this.clock, clockTimer);
        resolve();
      };
      this.poke = wake;
      const wallTimer = setTimeout(wake, this.pollMs);
      if (dueAt !== null) clockTimer = setOn(this.clock, wake, Math.max(0, dueAt - this.now()));
    });
  }

  private start(claimed: ClaimedJob): void {
    const running = this.step(claimed).finally(() => {
      this.inFlight.delete(running);
      this.poke?.();
    });
    this.inFlight.add(running);
  }

  private async step({ job, token, events, lastSeq, createMayHaveBeenSent }: ClaimedJob): Promise<void> {
    // The step stops (its job cancelled in memory, nothing written) once its lease is another process's.
    const lost = new AbortController();
    const renew = setInterval(() => {
      if (!this.store.renew(job.id, token, Date.now() + this.leaseMs)) lost.abort();
    }, Math.max(10, this.leaseMs / 3));
    try {
      this.applyRateLimit(job.provider, job.input.baseUrl, job.keyRef);
      const marking = { create: mayCreate(job) };
      const result = await stepStoredJob(this.config, job, events, {
        ...(this.clock ? { clock: this.clock } : {}),
        gate: this.leaseGate(job.id, token, marking, lost),
        createMayHaveBeenSent,
        signal: lost.signal,
        sendToJob: sendFromPage(this, job.id),
        // Once the create is answered (the job has its id), its mark is cleared with the snapshot that holds the id.
        checkpoint: async (snapshot, why) => {
          if (why === 'jobId') marking.create = false;
          if (!this.store.checkpoint(job.id, token, snapshot, lastSeq)) lost.abort();
        },
      });
      if (lost.signal.aborted) return;
      if (result.kind === 'left') {
        this.store.release(job.id, token, result.retryAt);
        return;
      }
      if (this.store.commit(job.id, token, { ...result, lastSeq }, this.now())) this.notify(job.id);
    } catch (error) {
      // A step that threw (a bug, not an outcome) is tried again later, from the snapshot before it.
      this.store.release(job.id, token, this.now() + 1_000);
      process.emitWarning(`jobcharts: step of job ${job.id} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * Checks the lease as each request leaves (a process that lost it sends nothing more for the job), and marks a
   * create that cannot be sent twice in the same write, as it leaves rather than when the step began.
   */
  private leaseGate(id: string, token: string, marking: { create: boolean }, lost: AbortController): RequestGate {
    return {
      take: async () => {
        // Refused, not only cancelled: a cancelled create without an idempotency key would still go (see bullmq's gate).
        if (lost.signal.aborted || !this.store.holds(id, token, marking.create)) {
          lost.abort();
          throw new Error('this process no longer holds the job: the request is not sent');
        }
      },
      answered: () => undefined,
    };
  }

  /** The configured limit of the job's key, for the key's budget in this process (budget.ts). */
  private applyRateLimit(provider: string, baseUrl: string, keyRef: string | undefined): void {
    const limit = this.config.rateLimits?.[provider];
    if (limit) setRateLimit({ provider, baseUrl, apiKey: keyFor(this.config, provider, keyRef) ?? '' }, limit);
  }

  private notify(id: string): void {
    const entry = this.watchers.get(id);
    if (!entry) return;
    const current = this.store.view(id);
    if (!current || current.version === entry.version) return;
    entry.version = current.version;
    for (const listener of [...entry.listeners]) listener(current.view);
  }

  private readWatched(): void {
    if (this.closed) return;
    for (const id of this.watchers.keys()) this.notify(id);
  }
}

function setOn(clock: RunnerClock | undefined, fn: () => void, ms: number): unknown {
  return clock ? clock.setTimeout(fn, ms) : setTimeout(fn, ms);
}

function clearOn(clock: RunnerClock | undefined, id: unknown): void {
  if (clock) clock.clearTimeout(id);
  else clearTimeout(id as ReturnType<typeof setTimeout>);
}
