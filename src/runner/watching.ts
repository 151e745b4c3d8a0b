import type { JobOutcome } from '../core/outcome.js';
import type { JobView, PersonEvent, Runner } from './types.js';

/** Resolves with the job's outcome once a view of it says it has ended. */
export function watchOutcome(runner: Pick<Runner, 'watch'>, id: string): Promise<JobOutcome<unknown, unknown>> {
  return new Promise((resolve) => {
    let stop: (() => void) | undefined;
    let done = false;
    stop = runner.watch(id, (view: JobView) => {
      if (done || view.status !== 'done' || !view.outcome) return;
      done = true;
      resolve(view.outcome);
      queueMicrotask(() => stop?.());
    });
    if (done) stop();
  });
}

/** A person's event as a job understands it, and only that (no other fields are stored); anything else is refused. */
export function checkPersonEvent(event: PersonEvent): PersonEvent {
  const e = event as { type?: unknown; text?: unknown };
  if (e?.type === 'PAID' || e?.type === 'CANCEL') return { type: e.type };
  if (e?.type === 'ANSWER' && typeof e.text === 'string') return { type: 'ANSWER', text: e.text };
  throw new Error(`a job takes { type: 'ANSWER', text }, { type: 'PAID' } or { type: 'CANCEL' }, not ${JSON.stringify(event)?.slice(0, 100)}`);
}

/** Where a person's event from the visualizer's page goes: the runner's `send` for the job (lost if the runner is closed by then). */
export function sendFromPage(runner: Pick<Runner, 'send'>, id: string): (event: PersonEvent) => void {
  return (event) => void runner.send(id, event).catch(() => undefined);
}
