import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { perceptisJob } from '../machines/perceptis.js';
import { clockNow, durableTimer } from '../src/core/clock.js';
import { parseRetryAfter } from '../src/core/delay.js';
import { defaultPollOptions, MAX_TIMER_MS, resolveJobOptions, resolvePollOptions } from '../src/core/options.js';
import { settle } from '../src/core/outcome.js';
import { personWaitActions, personTimeoutOption } from '../src/core/person.js';
import { newClock, pendingTimers } from './support/simulated-time.js';
import { z } from 'zod';

/** A chart that waits on the durable timer until `at`, then ends; `fired` keeps the event's time. */
function timerChart(at: number | null) {
  return setup({ actors: { timer: durableTimer } }).createMachine({
    context: { fired: null as number | null },
    initial: 'waiting',
    states: {
      waiting: {
        invoke: { src: 'timer', input: { at } },
        on: { 'timer.due': { target: 'done', actions: ({ context, event }) => (context.fired = (event as unknown as { at: number }).at) } },
      },
      done: { type: 'final' },
    },
  });
}
const tick = () => new Promise((r) => setImmediate(r));

describe('durableTimer: fires at an absolute time on the actor system’s clock', () => {
  it('fires when the clock reaches the deadline, not before, stamped with the clock', async () => {
    const clock = newClock();
    const actor = createActor(timerChart(clock.now() + 5_000), { clock }).start();
    await tick();
    clock.increment(4_999);
    await tick();
    expect(actor.getSnapshot().value).toBe('waiting');
    clock.increment(1);
    await tick();
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().context.fired).toBe(clock.now());
    expect(pendingTimers(clock)).toBe(0);
  });

  it('an overdue deadline fires at once; `at: null` never fires and arms nothing', async () => {
    const clock = newClock();
    const overdue = createActor(timerChart(clock.now() - 1), { clock }).start();
    await tick();
    expect(overdue.getSnapshot().status).toBe('done');
    const never = createActor(timerChart(null), { clock }).start();
    await tick();
    clock.increment(10 * MAX_TIMER_MS);
    await tick();
    expect(never.getSnapshot().value).toBe('waiting');
    expect(pendingTimers(clock)).toBe(0);
  });

  it('a wait longer than setTimeout holds is chained, and fires at the deadline', async () => {
    const clock = newClock();
    const at = clock.now() + MAX_TIMER_MS + 1_000;
    const actor = createActor(timerChart(at), { clock }).start();
    await tick();
    clock.increment(MAX_TIMER_MS);
    await tick();
    expect(actor.getSnapshot().value).toBe('waiting');
    expect(pendingTimers(clock)).toBe(1);
    clock.increment(1_000);
    await tick();
    expect(actor.getSnapshot().context.fired).toBe(at);
  });

  it('leaving the state clears the timer, and a stop before it armed arms nothing', async () => {
    const clock = newClock();
    const actor = createActor(timerChart(clock.now() + 5_000), { clock }).start();
    await tick();
    expect(pendingTimers(clock)).toBe(1);
    actor.stop();
    expect(pendingTimers(clock)).toBe(0);
    const early = createActor(timerChart(clock.now() + 5_000), { clock }).start();
    early.stop();
    await tick();
    expect(pendingTimers(clock)).toBe(0);
  });

  it('clockNow is the simulated clock’s time in tests, wall time otherwise', () => {
    const clock = newClock(123_456);
    expect(clockNow(createActor(timerChart(null), { clock }).system)).toBe(123_456);
    const before = Date.now();
    const now = clockNow(createActor(timerChart(null)).system);
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
    return setup({ actions: personWaitActions }).createMachine({
      context: { personWaitSince: null as number | null, personDeadlineAt: null as number | null, deadlineAt: 100_000 as number | null },
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
    expect(context()).toEqual({ personWaitSince: null, personDeadlineAt: null, deadlineAt: 100_000 });
    actor.send({ type: 'ask', timeoutMs: 60_000 } as never);
    expect(context()).toEqual({ personWaitSince: 10_000, personDeadlineAt: 70_000, deadlineAt: 100_000 });
    clock.increment(5_000);
    actor.send({ type: 'acted' });
    expect(context()).toEqual({ personWaitSince: null, personDeadlineAt: 70_000, deadlineAt: 105_000 });
    actor.send({ type: 'ask', timeoutMs: 60_000 } as never);
    expect(context().personDeadlineAt).toBe(70_000);
    actor.send({ type: 'taken' });
    expect(context()).toEqual({ personWaitSince: null, personDeadlineAt: null, deadlineAt: 105_000 });
    actor.send({ type: 'ask', timeoutMs: Infinity } as never);
    expect(context()).toEqual({ personWaitSince: 15_000, personDeadlineAt: null, deadlineAt: 105_000 });
    clock.increment(1_000);
    actor.send({ type: 'noDeadline' });
    actor.send({ type: 'acted' });
    expect(context()).toEqual({ personWaitSince: null, personDeadlineAt: null, deadlineAt: null });
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
    const message = `cannot restore this snapshot: its schema version is ${JSON.stringify(version)}, this jobcharts reads version 1`;
    expect(await settle(actor)).toStrictEqual({ status: 'rejected', ...jobId, error: { kind: 'invalid', message } });
    expect(actor.getSnapshot().value).toBe('rejected');
    expect(actor.getSnapshot().context.inputProblem).toBe(message);
  });
});
