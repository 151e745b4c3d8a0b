import type { JobView } from './types.js';
import type { PausedState } from './step.js';
import type { JobOutcome } from '../core/outcome.js';

/** What `watch` shows of a job after a step: what a person checks, never the request or the key. */
export function viewOf(id: string, provider: string, state: PausedState, outcome?: JobOutcome<unknown, unknown>): JobView {
  const context = state.context;
  const needsInput = state.status === 'active' && state.tags.includes('needs-input');
  const view: JobView = {
    id,
    provider,
    status: outcome ? 'done' : 'active',
    value: state.value,
    tags: state.tags,
    progress: typeof context.progress === 'number' ? context.progress : null,
    wakeAt: typeof context.wakeAt === 'number' ? context.wakeAt : null,
    waitReason: typeof context.waitReason === 'string' ? context.waitReason : null,
    needsInput,
  };
  if (needsInput && 'clarification' in context) view.question = (context.clarification as string | null) ?? null;
  if (needsInput && 'answerProblem' in context) view.answerProblem = (context.answerProblem as string | null) ?? null;
  if (needsInput && 'payment' in context) view.payment = context.payment;
  if (outcome) view.outcome = outcome;
  return view;
}

/** When a job's next step is due: at its wake; a person's wait is parked (null) unless it has a limit. */
export function dueAtOf(result: { outcome?: unknown; needsInput: boolean; wakeAt: number | null }, now: number): number | null {
  if (result.outcome) return null;
  if (result.needsInput) return result.wakeAt;
  // A wait without an end that is not a person's should not happen; look again soon rather than never.
  return result.wakeAt ?? now + 1_000;
}
