/**
 * Snapshots persisted by the layout before this one (version 1, a timer actor per wait) restore into jobs that go
 * on: the job's clock takes over the wait. The fixtures were persisted by that code (test/fixtures/snapshots-v1.json).
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { settle } from '../src/core/outcome.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { simulator } from './support/sim.js';
import { newClock, pendingTimers } from './support/simulated-time.js';
import { expectPersonTimesOut, expectPollWhenDue, pointedAt, snapshotFixtures } from './support/snapshot-fixtures.js';

const fixtures = snapshotFixtures('snapshots-v1.json');

describe('a version 1 snapshot', () => {
  it('is what the fixtures hold: schema version 1, a timer actor in the wait', () => {
    for (const fixture of [fixtures.perceptisWaiting, fixtures.cataAwaitingAnswer]) {
      expect(fixture.context.schemaVersion).toBe(1);
      expect(Object.values(fixture.children).map((c) => c.src)).toContain('timer');
    }
  });

  it('waiting for its next poll: polls when the poll was due, then goes on', async () => {
    const restored = await expectPollWhenDue(fixtures.perceptisWaiting);
    expect(restored.context.schemaVersion).toBe(2);
  });

  it('waiting for a person: still waits for the answer, and times out when the person’s time is up', async () => {
    const fixture = fixtures.cataAwaitingAnswer;
    const limit = fixture.context.personDeadlineAt!;
    expect(fixture.context.wakeAt).toBeNull();
    const restored = await expectPersonTimesOut(fixture, limit);
    expect(restored.context).toMatchObject({ wakeAt: limit, waitReason: 'person', clarification: expect.any(String) });
  });

  it('listens to the signal of the input it is restored with', async () => {
    const fixture = fixtures.perceptisWaiting;
    const clock = newClock(fixture.context.wakeAt! - 1_000);
    const sim = await simulator(clock);
    const controller = new AbortController();
    const job = createActor(perceptisJob, {
      clock,
      snapshot: pointedAt(fixture, sim.url),
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, signal: controller.signal },
    }).start();
    controller.abort();
    expect(await settle(job)).toMatchObject({ status: 'cancelled' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(pendingTimers(clock)).toBe(0);
  });
});
