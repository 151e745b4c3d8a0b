import { describe, expect, it } from 'vitest';
import { assign, createActor, setup, type AnyActorScope, type EventObject } from 'xstate';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { clockNow, runJobClock, type TimerDueEvent } from '../src/core/clock.js';
import { parseRetryAfter } from '../src/core/delay.js';
import { defaultPollOptions, MAX_TIMER_MS, resolveJobOptions, resolvePollOptions } from '../src/core/options.js';
import { settle } from '../src/core/outcome.js';
import { personWaitActions, personTimeoutOption, type PersonWaitJob } from '../src/core/person.js';
import { newClock, pendingTimers } from './support/simulated-time.js';
import { z } from 'zod';

/**
 * A job that waits until `wakeAt` (set by `wait`, cleared by `go`) on the job's clock, started with the job as the
 * chart factory starts it (job-logic.ts); `fired` keeps each event's time.
 */
function clockChart() {
  const machine = setup({
    types: { events: {} as { type: 'wait'; at: number | null; reason?: string } | { type: 'go' } | TimerDueEvent },
  }).createMachine({
    context: { wakeAt: null as number | null, waitReason: null as string | null, fired: [] as number[] },
    initial: 'running',
    states: {
      running: {
        on: {
          wait: { actions: assign({ wakeAt: ({ event }) => event.at, waitReason: ({ event }) => event.reason ?? 'poll' }) },
          go: { actions: assign({ wakeAt: null }) },
          'timer.due': { actions: assign({ fired: ({ context, event }) => [...context.fired, event.at] }) },
        },
      },
    },
  });
  const start = machine.start.bind(machine) as (snapshot: unknown, scope: AnyActorScope) => void;
  machine.start = ((snapshot: unknown, scope: AnyActorScope) => {
    start(snapshot, scope);
    runJobClock(scope.self);
  }) as typeof machine.start;
  return machine;
}
const tick = () => new Promise((r) => setImmediate(r));

describe('the job’s clock: one timer, at `wakeAt` on the actor system’s clock', () => {
  it('fires when the clock reaches wakeAt, not before, stamped with the clock, once', async () => {
    const clock = newClock();
    const actor = createActor(clockChart(), { clock }).start();
    actor.send({ type: 'wait', at: clock.now() + 5_000 });
    await tick();
    clock.increment(4_999);
    await tick();
    expect(actor.getSnapshot().context.fired).toEqual([]);
    clock.increment(1);
    await tick();
    expect(actor.getSnapshot().context.fired).toEqual([clock.now()]);
    expect(pendingTimers(clock)).toBe(0);
    clock.increment(60_000);
    await tick();
    expect(actor.getSnapshot().context.fired).toHaveLength(1);
  });

  it('an overdue wakeAt fires at once; null arms nothing', async () => {
    const clock = newClock();
    const actor = createActor(clockChart(), { clock }).start();
    actor.send({ type: 'wait', at: clock.now() - 1 });
    await tick();
    expect(actor.getSnapshot().context.fired).toEqual([clock.now()]);
    actor.send({ type: 'wait', at: null });
    await tick();
    clock.increment(10 * MAX_TIMER_MS);
    await tick();
    expect(actor.getSnapshot().context.fired).toHaveLength(1);
    expect(pendingTimers(clock)).toBe(0);
  });

  it('a new wakeAt moves the timer; clearing wakeAt or stopping the job clears it', async () => {
    const clock = newClock();
    const actor = createActor(clockChart(), { clock }).start();
    const start = clock.now();
    actor.send({ type: 'wait', at: start + 5_000 });
    await tick();
    actor.send({ type: 'wait', at: start + 2_000 });
    await tick();
    expect(pendingTimers(clock)).toBe(1);
    clock.increment(2_000);
    await tick();
    expect(actor.getSnapshot().context.fired).toEqual([start + 2_000]);
    actor.send({ type: 'wait', at: start + 9_000 });
    await tick();
    actor.send({ type: 'go' });
    await tick();
    expect(pendingTimers(clock)).toBe(0);
    actor.send({ type: 'wait', at: start + 9_000 });
    await tick();
    expect(pendingTimers(clock)).toBe(1);
    actor.stop();
    expect(pendingTimers(clock)).toBe(0);
    const early = createActor(clockChart(), { clock }).start();
    early.send({ type: 'wait', at: start + 9_000 });
    early.stop();
    await tick();
    expect(pendingTimers(clock)).toBe(0);
  });

  it('a wakeAt set, cleared and set again before the clock checks arms one timer, for the last one', async () => {
    const clock = newClock();
    const actor = createActor(clockChart(), { clock }).start();
    const start = clock.now();
    actor.send({ type: 'wait', at: start + 5_000 });
    actor.send({ type: 'go' });
    actor.send({ type: 'wait', at: start + 7_000 });
    await tick();
    expect(pendingTimers(clock)).toBe(1);
    clock.increment(5_000);
    await tick();
    expect(actor.getSnapshot().context.fired).toEqual([]);
    clock.increment(2_000);
    await tick();
    expect(actor.getSnapshot().context.fired).toEqual([start + 7_000]);
    expect(pendingTimers(clock)).toBe(0);
  });

  it('leaves a wait for the rate budget to the budget’s own actor', async () => {
    const clock = newClock();
    const actor = createActor(clockChart(), { clock }).start();
    actor.send({ type: 'wait', at: clock.now() + 5_000, reason: 'budget' });
    await tick();
    expect(pendingTimers(clock)).toBe(0);
    actor.send({ type: 'wait', at: clock.now() + 5_000, reason: 'poll' });
    await tick();
    expect(pendingTimers(clock)).toBe(1);
  });

  it('a wait longer than setTimeout holds is chained, and fires at wakeAt', async () => {
    const clock = newClock();
    const at = clock.now() + MAX_TIMER_MS + 1_000;
    const actor = createActor(clockChart(), { clock }).start();
    actor.send({ type: 'wait', at });
    await tick();
    clock.increment(MAX_TIMER_MS);
    await tick();
    expect(actor.getSnapshot().context.fired).toEqual([]);
    expect(pendingTimers(clock)).toBe(1);
    clock.increment(1_000);
    await tick();
    expect(actor.getSnapshot().context.fired).toEqual([at]);
  });

  it('a restored job arms its clock from the restored wakeAt: on time, or at once when overdue', async () => {
    const clock = newClock();
    const actor = createActor(clockChart(), { clock }).start();
    const at = clock.now() + 5_000;
    actor.send({ type: 'wait', at });
    const persisted = actor.getPersistedSnapshot();
    actor.stop();
    const later = newClock(at - 1_000);
    const restored = createActor(clockChart(), { clock: later, snapshot: persisted }).start();
    await tick();
    expect(restored.getSnapshot().context.fired).toEqual([]);
    later.increment(1_000);
    await tick();
    expect(restored.getSnapshot().context.fired).toEqual([at]);
    const overdue = createActor(clockChart(), { clock: newClock(at + 60_000), snapshot: persisted }).start();
    await tick();
    expect(overdue.getSnapshot().context.fired).toEqual([at + 60_000]);
  });

  it('clockNow is the simulated clock’s time in tests, wall time otherwise', () => {
    const clock = newClock(123_456);
    expect(clockNow(createActor(clockChart(), { clock }).system)).toBe(123_456);
    const before = Date.now();
    const now = clockNow(createActor(clockChart()).system);
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('resolveJobOptions: merged over defaults, checked, never thrown', () => {
  it('an option given as undefined keeps the default', () => {
    const resolved = resolvePollOptions({ pollIntervalMs: 2_000 }, { pollIntervalMs: undefined, jitter: 0 });
    expect(resolved).toEqual({ options: { ...defaultPollOptions, pollIntervalMs: 2_000, jitter: 0 } });
  });

  it('says which option is wrong, and that the cap must not be under the interval', () => {
    expect(resolvePollOptions({}, { jitter: 2 })).toEqual({ problem: expect.stringMatching(/^options\.jitter: /) });
    expect(resolvePollOptions({}, { pollIntervalMs: 40_000, maxPollIntervalMs: 30_000 })).toEqual({
      problem: 'options.maxPollIntervalMs must not be smaller than options.pollIntervalMs',
    });
    expect(resolvePollOptions({ maxPollIntervalMs: 30_000 }, { pollIntervalMs: 40_000 })).toHaveProperty('options.maxPollIntervalMs', 40_000);
    expect(resolvePollOptions({}, { pollIntervalMs: 30_000 })).toHaveProperty('options');
    expect(resolvePollOptions({}, { rateLimit: { burst: 2, perMinute: 3 } as never })).toHaveProperty('problem');
  });

  it('checks a chart’s own options beside the polling ones', () => {
    const answer = personTimeoutOption('answerTimeoutMs');
    expect(resolveJobOptions({ ...answer.defaults }, { answerTimeoutMs: 5_000 } as never, answer.shape)).toEqual({
      options: { ...defaultPollOptions, answerTimeoutMs: 5_000 },
    });
    expect(resolveJobOptions({ ...answer.defaults }, { answerTimeoutMs: -1 } as never, answer.shape)).toEqual({
      problem: expect.stringMatching(/^options\.answerTimeoutMs: /),
    });
    expect(resolveJobOptions({}, { colour: 'red' } as never, { colour: z.string() })).toHaveProperty('options');
    expect(resolveJobOptions({}, { colour: 'red' } as never, {})).toHaveProperty('problem');
  });
});

describe('parseRetryAfter', () => {
  it('reads fractional seconds of any precision, rounded up to the millisecond', () => {
    expect(parseRetryAfter('1.25', 0)).toBe(1_250);
    expect(parseRetryAfter(' 2 ', 0)).toBe(2_000);
    expect(parseRetryAfter('0.0001', 0)).toBe(1);
  });
});

describe('person waits move the overall deadline back by the time a person took', () => {
  function personChart() {
    return setup({ types: { context: {} as PersonWaitJob, events: {} as EventObject }, actions: personWaitActions }).createMachine({
      context: { personWaitSince: null, personDeadlineAt: null, deadlineAt: 100_000, wakeAt: null, waitReason: null },
      on: {
        ask: { actions: { type: 'startPersonWait', params: ({ event }: { event: unknown }) => ({ timeoutMs: (event as unknown as { timeoutMs: number }).timeoutMs }) } },
        acted: { actions: 'pausePersonWait' },
        taken: { actions: 'endPersonWait' },
        noDeadline: { actions: ({ context }) => (context.deadlineAt = null) },
      },
    });
  }

  it('starts a limited wait, keeps a running limit, pauses the deadline, ends the limit', () => {
    const clock = newClock(10_000);
    const actor = createActor(personChart(), { clock }).start();
    const context = () => actor.getSnapshot().context;
    actor.send({ type: 'acted' });
    expect(context()).toMatchObject({ personWaitSince: null, personDeadlineAt: null, deadlineAt: 100_000 });
    actor.send({ type: 'ask', timeoutMs: 60_000 } as never);
    expect(context()).toMatchObject({ personWaitSince: 10_000, personDeadlineAt: 70_000, deadlineAt: 100_000 });
    expect(context()).toMatchObject({ wakeAt: 70_000, waitReason: 'person' }); // the job's clock ends the wait then
    clock.increment(5_000);
    actor.send({ type: 'acted' });
    expect(context()).toMatchObject({ personWaitSince: null, personDeadlineAt: 70_000, deadlineAt: 105_000 });
    actor.send({ type: 'ask', timeoutMs: 60_000 } as never);
    expect(context().personDeadlineAt).toBe(70_000);
    actor.send({ type: 'taken' });
    expect(context()).toMatchObject({ personWaitSince: null, personDeadlineAt: null, deadlineAt: 105_000 });
    actor.send({ type: 'ask', timeoutMs: Infinity } as never);
    expect(context()).toMatchObject({ personWaitSince: 15_000, personDeadlineAt: null, deadlineAt: 105_000, wakeAt: null, waitReason: null });
    clock.increment(1_000);
    actor.send({ type: 'noDeadline' });
    actor.send({ type: 'acted' });
    expect(context()).toMatchObject({ personWaitSince: null, personDeadlineAt: null, deadlineAt: null });
  });
});

describe('withSnapshotVersion: a snapshot of another layout restores into rejected / invalid', () => {
  it.each([
    [{ context: { schemaVersion: 0, jobId: 'job-9' } }, 0, { jobId: 'job-9' }],
    [{ context: { jobId: null } }, null, {}],
    [{ status: "active" }, null, {}],
  ])('%j', async (snapshot, version, jobId) => {
    const actor = createActor(perceptisJob, { snapshot: snapshot as never, input: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' } as never });
    actor.start();
    const message = `cannot restore this snapshot: its schema version is ${JSON.stringify(version)}, this jobcharts reads versions 1 and 2`;
    expect(await settle(actor)).toStrictEqual({ status: 'rejected', ...jobId, error: { kind: 'invalid', message } });
    expect(actor.getSnapshot().value).toBe('rejected');
    expect(actor.getSnapshot().context.inputProblem).toBe(message);
  });
});
