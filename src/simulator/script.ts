import type { SimAnswer, WireFault } from './http.js';

/**
 * One scripted answer to one status request. `TStatus` is the provider's own status step
 * (e.g. Perceptis `{ status: 'processing' }`); the others are the same for every provider.
 */
export type ScriptStep<TStatus> =
  | TStatus
  /** Any HTTP answer, e.g. `{ http: 503 }` or `{ http: 429, headers: { 'retry-after': '2' } }`. */
  | { http: number; body?: unknown; headers?: Record<string, string> }
  | { fault: WireFault };

/** A timeline step: the provider's status from `afterMs` after creation on. */
export type TimedStep<TStatus> = TStatus & { afterMs: number };

/**
 * What a simulated job answers. `steps`: one per status request, in order; the last repeats.
 * `timeline`: by time since creation (the default scripts of the demo, realistic).
 */
export type JobScript<TStatus> = { steps: ScriptStep<TStatus>[] } | { timeline: TimedStep<TStatus>[] };

/** Plays a {@link JobScript}: which step answers the next status request. */
export class ScriptPlayer<TStatus extends object> {
  private index = 0;

  constructor(
    private readonly script: JobScript<TStatus>,
    private readonly createdAt: number,
  ) {}

  next(now: number): ScriptStep<TStatus> {
    if ('steps' in this.script) {
      const steps = this.script.steps;
      const step = steps[Math.min(this.index, steps.length - 1)];
      this.index += 1;
      return step;
    }
    const elapsed = now - this.createdAt;
    const due = this.script.timeline.filter((s) => s.afterMs <= elapsed);
    return due[due.length - 1] ?? this.script.timeline[0];
  }
}

/** Answers the steps every provider shares (`http`, `fault`); `undefined` for the provider's own status steps. */
export function sharedStepAnswer<TStatus>(step: ScriptStep<TStatus>, jobId: string | number): SimAnswer | undefined {
  if (typeof step !== 'object' || step === null) return undefined;
  if ('fault' in step) return { fault: (step as { fault: WireFault }).fault, jobId };
  if ('http' in step) {
    const s = step as { http: number; body?: unknown; headers?: Record<string, string> };
    return { status: s.http, body: s.body ?? { error: `simulated HTTP ${s.http}` }, headers: s.headers, jobId };
  }
  return undefined;
}

/** Scripts waiting for the next created job of a provider; the first whose `match` accepts the request is taken. */
export class ScriptQueue<TScript> {
  private readonly queued: { script: TScript; match?: (body: unknown) => boolean }[] = [];

  push(script: TScript, match?: (body: unknown) => boolean): void {
    this.queued.push({ script, match });
  }

  take(body: unknown): TScript | undefined {
    const i = this.queued.findIndex((q) => !q.match || q.match(body));
    return i < 0 ? undefined : this.queued.splice(i, 1)[0].script;
  }
}
