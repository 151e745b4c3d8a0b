/**
 * Snapshots persisted by layout version 2 (the job's clock an invoked actor, `children.clock`) restore into jobs that
 * go on: today's clock is part of the job's logic, and the stored `clock` child is dropped (a job's actors are made
 * again from the chart, never from the snapshot). The fixtures were persisted by that code (test/fixtures/snapshots-v2.json).
 */
import { describe, expect, it } from 'vitest';
import { expectPersonTimesOut, expectPollWhenDue, snapshotFixtures } from './support/snapshot-fixtures.js';

const fixtures = snapshotFixtures('snapshots-v2.json');

describe('a version 2 snapshot', () => {
  it('is what the fixtures hold: schema version 2, the clock an invoked actor', () => {
    for (const fixture of [fixtures.perceptisWaiting, fixtures.cataAwaitingAnswer]) {
      expect(fixture.context.schemaVersion).toBe(2);
      expect(fixture.children.clock).toMatchObject({ src: 'clock' });
    }
  });

  it('waiting for its next poll: polls when the poll was due, then goes on, with no clock child', async () => {
    const restored = await expectPollWhenDue(fixtures.perceptisWaiting);
    expect(Object.keys(restored.children)).toEqual([]);
  });

  it('waiting for a person: still waits for the answer, and times out when the person’s time is up', async () => {
    const fixture = fixtures.cataAwaitingAnswer;
    const restored = await expectPersonTimesOut(fixture, fixture.context.wakeAt!);
    expect(restored.context).toMatchObject({ waitReason: 'person', personDeadlineAt: fixture.context.wakeAt });
  });
});
