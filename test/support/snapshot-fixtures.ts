/** Snapshots persisted by older layouts (test/fixtures/snapshots-v<n>.json), and what restoring one must do. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { cataJob } from '../../src/providers/cata/chart.js';
import { perceptisJob } from '../../src/providers/perceptis/chart.js';
import { settle } from '../../src/core/outcome.js';
import { CATA_TEST_KEY } from '../../src/providers/cata/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import { simulator } from './sim.js';
import { newClock, pendingTimers } from './simulated-time.js';

export interface PersistedFixture {
  value: unknown;
  context: Record<string, unknown> & { wakeAt: number | null; jobId: string | number; personDeadlineAt?: number };
  children: Record<string, { src: string }>;
}

/** A Perceptis job waiting for its next poll, and a Cata job waiting for a person's answer. */
export function snapshotFixtures(file: string): { perceptisWaiting: PersistedFixture; cataAwaitingAnswer: PersistedFixture } {
  return JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8'));
}

/** A fixture pointed at a test's simulator. */
export const pointedAt = (fixture: PersistedFixture, baseUrl: string) => ({ ...fixture, context: { ...fixture.context, baseUrl } }) as never;
export const tick = () => new Promise((r) => setImmediate(r));

/** Restores the waiting Perceptis job a second before its poll is due: it polls then, on time, not before. Returns the job. */
export async function expectPollWhenDue(fixture: PersistedFixture) {
  const clock = newClock(fixture.context.wakeAt! - 1_000);
  const sim = await simulator(clock);
  const job = createActor(perceptisJob, { clock, snapshot: pointedAt(fixture, sim.url), input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY } }).start();
  const restored = job.getSnapshot();
  expect(restored.value).toEqual({ polling: { provider: 'pending', poller: 'waiting' } });
  await tick();
  clock.increment(999);
  await tick();
  expect(sim.log).toHaveLength(0);
  clock.increment(1);
  await waitFor(job, (s) => s.status !== 'active');
  // The new simulator has never heard of the job: what matters is that the poll was sent, on time.
  expect(sim.log.map((e) => [e.method, e.jobId, e.at])).toEqual([['GET', fixture.context.jobId, fixture.context.wakeAt]]);
  expect(await settle(job)).toMatchObject({ status: 'rejected', error: { kind: 'notFound' } });
  return restored;
}

/**
 * Restores the Cata job waiting for a person a minute before the person's time is up (`limit`): it still waits,
 * sends nothing, and times out then, leaving no timer. Returns the restored snapshot.
 */
export async function expectPersonTimesOut(fixture: PersistedFixture, limit: number) {
  const clock = newClock(limit - 60_000);
  const sim = await simulator(clock);
  const job = createActor(cataJob, { clock, snapshot: pointedAt(fixture, sim.url), input: { baseUrl: sim.url, apiKey: CATA_TEST_KEY } }).start();
  const restored = job.getSnapshot();
  expect(restored.hasTag('needs-input')).toBe(true);
  await tick();
  clock.increment(59_999);
  await tick();
  expect(job.getSnapshot().hasTag('needs-input')).toBe(true);
  clock.increment(1);
  expect(await settle(job)).toEqual({ status: 'timedOut', jobId: fixture.context.jobId });
  expect(sim.log).toHaveLength(0);
  expect(pendingTimers(clock)).toBe(0);
  return restored;
}
