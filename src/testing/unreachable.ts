/**
 * Transitions a generated path cannot take, by design, with the reason. Matched by the end of their id
 * (`<state>|<event>|<branch>`), since every chart builds its request states with the same builders.
 */
export interface Unreachable {
  /** Matches the end of a transition id. */
  suffix: string;
  reason: string;
}

export const unreachableByDesign: readonly Unreachable[] = [
  {
    suffix: '.backingOff|timer.due|1',
    reason:
      'a 429 always teaches the key a shared rate budget (src/core/budget-registry.ts requestAnswered), so the request after a back-off always passes waitingForBudget; the direct branch is taken only if the app clears the budgets during the wait',
  },
  {
    suffix: '.waitingForBudget|budget.queued|0',
    reason:
      'a job waits in `queued` only while other jobs of the same key hold every concurrent slot (options.rateLimit.maxConcurrent); a path drives one job',
  },
  {
    suffix: '.requesting.cancelling|CANCEL|0',
    reason:
      'a second CANCEL while the job already waits for its create’s answer changes nothing (state and context stay as they are), so no generated path takes it; test/creates.unconfirmed.test.ts sends it',
  },
  {
    suffix: 'cata.polling|status.needs_clarification|0',
    reason:
      'Cata: a job restored while its answer was out (src/core/restore.ts resumeInsteadOf) reads the status first, and sends the answer when the question is still open without it; restoring at every step carries on past the answer (notResentOnRestore), so test/cata.answer-once.test.ts and test/runner/answer-once.crash.test.ts take it',
  },
];

export function unreachableReason(transitionId: string): string | undefined {
  return unreachableByDesign.find((u) => transitionId.endsWith(u.suffix))?.reason;
}
