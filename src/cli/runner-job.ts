/**
 * A runner job as the terminal views see a job: its latest `runner.watch` view, read like an actor's snapshot
 * (state value, tags, progress, wakeAt, Cata's question, markdown2pdf's offer, the outcome), and a person's
 * event or a cancel handed to `runner.send`. The live table and the person prompts draw it unchanged.
 */
import type { AnyActorRef } from 'xstate';
import type { JobOutcome } from '../core/outcome.js';
import type { JobView, PersonEvent, Runner } from '../runner/types.js';

type Listener = { next?: () => void; error?: (error: unknown) => void; complete?: () => void };

/** The part of a chart's snapshot the live view and the person prompts read, made from a view. */
export interface ViewSnapshot {
  status: 'active' | 'done';
  value: unknown;
  context: Record<string, unknown>;
  output: JobOutcome<unknown, unknown> | undefined;
  hasTag(tag: string): boolean;
}

export class RunnerJob {
  private view: JobView | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly stopWatching: () => void;
  /** 429s and retries seen so far: a view says only the current wait, the plain log prints each one. */
  private rateLimits = 0;
  private retries = 0;
  /** A person's event was sent and the job has not stepped since: it no longer waits for one. */
  private answered = false;
  readonly outcome: Promise<JobOutcome<unknown, unknown>>;

  constructor(
    private readonly runner: Runner,
    readonly id: string,
    private readonly onSendError: (error: unknown) => void,
  ) {
    this.stopWatching = runner.watch(id, (view) => this.update(view));
    this.outcome = runner.outcome(id);
    void this.outcome.then(() => this.stopWatching(), () => this.stopWatching());
  }

  getSnapshot(): ViewSnapshot {
    const view = this.view;
    const tags = new Set(view?.tags ?? []);
    if (this.answered) tags.delete('needs-input');
    return {
      status: view?.status ?? 'active',
      value: view?.value ?? 'submitted',
      context: {
        progress: view?.progress ?? null,
        wakeAt: view?.wakeAt ?? null,
        waitReason: view?.waitReason ?? null,
        clarification: view?.question ?? null,
        answerProblem: view?.answerProblem ?? null,
        payment: view?.payment ?? null,
        rateLimits: this.rateLimits,
        retries: this.retries,
      },
      output: view?.outcome,
      hasTag: (tag) => tags.has(tag),
    };
  }

  subscribe(listener: Listener | (() => void)): { unsubscribe(): void } {
    const observer = typeof listener === 'function' ? { next: listener } : listener;
    this.listeners.add(observer);
    return { unsubscribe: () => this.listeners.delete(observer) };
  }

  send(event: PersonEvent): void {
    if (event.type !== 'CANCEL') this.answered = true;
    this.runner.send(this.id, event).catch(this.onSendError);
  }

  /** Read as an actor by the live view, the person prompts and the providers' `personStep`. */
  asActor(): AnyActorRef {
    return this as unknown as AnyActorRef;
  }

  private update(view: JobView): void {
    const previous = this.view;
    if (view.wakeAt !== previous?.wakeAt && view.waitReason === 'rateLimited') this.rateLimits += 1;
    if (view.wakeAt !== previous?.wakeAt && view.waitReason === 'retry') this.retries += 1;
    this.view = view;
    this.answered = false;
    for (const listener of [...this.listeners]) {
      listener.next?.();
      if (view.status === 'done') listener.complete?.();
    }
  }
}
