/**
 * Snapshots persisted by the layout before this one (version 1, a timer actor per wait) restore into jobs that go
 * on: the job's clock takes over the wait. The fixtures were persisted by that code (test/fixtures/snapshots-v1.json).
 */
import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { cataJob } from '../src/providers/cata/chart.js';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { settle } from '../src/core/outcome.js';
import { CATA_TEST_KEY } from '../src/providers/cata/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { simulator } from './support/sim.js';
import { newClock, pendingTimers } from './support/simulated-time.js';

interface Persisted {
  value: unknown;
  context: Record<string, unknown> & { wakeAt: number | null; jobId: string | number; personDeadlineAt?: number };
  children: Record<string, { src: string }>;
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/snapshots-v1.json', import.meta.url), 'utf8')) as {
  perceptisWaiting: Persisted;
  cataAwaitingAnswer: Persisted;
};
/** A fixture pointed at this test's simulator. */
const at = (fixture: Persisted, baseUrl: string) => ({ ...fixture, context: { ...fixture.context, baseUrl } }) as never;
const tick = () => new Promise((r) => setImmediate(r));

describe('a version 1 snapshot', () => {
  it('is what the fixtures hold: schema version 1, a timer actor in the wait', () => {
    for (const fixture of [fixtures.perceptisWaiting, fixtures.cataAwaitingAnswer]) {
      expect(fixture.context.schemaVersion).toBe(1);
      expect(Object.values(fixture.children).map((c) => c.src)).toContain('timer');
    }
  });

  it('waiting for its next poll: polls when the poll was due, then goes on', async () => {
    const fixture = fixtures.perceptisWaiting;
    const clock = newClock(fixture.context.wakeAt! - 1_000);
    const sim = await simulator(clock);
    const job = createActor(perceptisJob, { clock, snapshot: at(fixture, sim.url), input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY } }).start();
    expect(job.getSnapshot().value).toEqual({ polling: { provider: 'pending', poller: 'waiting' } });
    expect(job.getSnapshot().context.schemaVersion).toBe(2);
    await tick();
    clock.increment(999);
    await tick();
    expect(sim.log).toHaveLength(0);
    clock.increment(1);
    await waitFor(job, (s) => s.status !== 'active');
    // The new simulator has never heard of the job: what matters is that the poll was sent, on time.
    expect(sim.log.map((e) => [e.method, e.jobId, e.at])).toEqual([['GET', fixture.context.jobId, fixture.context.wakeAt]]);
    expect(await settle(job)).toMatchObject({ status: 'rejected', error: { kind: 'notFound' } });
  });

  it('waiting for a person: still waits for the answer, and times out when the person’s time is up', async () => {
    const fixture = fixtures.cataAwaitingAnswer;
    const limit = fixture.context.personDeadlineAt!;
    expect(fixture.context.wakeAt).toBeNull();
    const clock = newClock(limit - 60_000);
    const sim = await simulator(clock);
    const job = createActor(cataJob, { clock, snapshot: at(fixture, sim.url), input: { baseUrl: sim.url, apiKey: CATA_TEST_KEY } }).start();
    expect(job.getSnapshot().hasTag('needs-input')).toBe(true);
    expect(job.getSnapshot().context).toMatchObject({ wakeAt: limit, waitReason: 'person', clarification: expect.any(String) });
    await tick();
    clock.increment(59_999);
    await tick();
    expect(job.getSnapshot().hasTag('needs-input')).toBe(true);
    clock.increment(1);
    expect(await settle(job)).toEqual({ status: 'timedOut', jobId: fixture.context.jobId });
    expect(sim.log).toHaveLength(0);
    expect(pendingTimers(clock)).toBe(0);
  });

  it('listens to the signal of the input it is restored with', async () => {
    const fixture = fixtures.perceptisWaiting;
    const clock = newClock(fixture.context.wakeAt! - 1_000);
    const sim = await simulator(clock);
    const controller = new AbortController();
    const job = createActor(perceptisJob, {
      clock,
      snapshot: at(fixture, sim.url),
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, signal: controller.signal },
    }).start();
    controller.abort();
    expect(await settle(job)).toMatchObject({ status: 'cancelled' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(pendingTimers(clock)).toBe(0);
  });
});
