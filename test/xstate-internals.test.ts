import { describe, expect, it } from 'vitest';
import { SimulatedClock, createActor, fromCallback, setup, type AnyActorRef } from 'xstate';
import { startInputOf } from '../src/core/start-input.js';
import { parentOf, systemClockOf } from '../src/core/xstate-internals.js';

/**
 * What jobcharts reads of XState beyond its documented API (src/core/xstate-internals.ts) and of `Actor.options`:
 * if a release of XState changes any of it, this fails before a job silently stops timing or authenticating.
 */
describe('XState internals jobcharts relies on', () => {
  const seen: { parent?: AnyActorRef; clock?: unknown; apiKey?: unknown } = {};
  const probe = fromCallback(({ self, system }) => {
    seen.parent = parentOf(self);
    seen.clock = systemClockOf(system);
    seen.apiKey = startInputOf(parentOf(self)).apiKey;
  });
  const chart = setup({ types: { input: {} as { apiKey: string } }, actors: { probe } }).createMachine({
    invoke: { id: 'probe', src: 'probe' },
  });

  it("an invoked callback actor reaches its parent, the system's clock and the parent's start input", () => {
    const clock = new SimulatedClock();
    const job = createActor(chart, { clock, input: { apiKey: 'key-1' } }).start();
    expect(seen.parent).toBe(job);
    expect(seen.clock).toBe(clock);
    expect(seen.apiKey).toBe('key-1');
    job.stop();
  });

  it("the clock's timers are the ones SimulatedClock moves", () => {
    const clock = new SimulatedClock();
    const job = createActor(chart, { clock, input: { apiKey: 'k' } });
    let fired = false;
    systemClockOf(job.system).setTimeout(() => (fired = true), 1_000);
    clock.increment(999);
    expect(fired).toBe(false);
    clock.increment(1);
    expect(fired).toBe(true);
  });

  it('a restored actor reads the input it was restored with, not the one it was persisted from', () => {
    const first = createActor(chart, { input: { apiKey: 'old' } }).start();
    const snapshot = first.getPersistedSnapshot();
    first.stop();
    const restored = createActor(chart, { snapshot, input: { apiKey: 'new' } }).start();
    expect(startInputOf(restored).apiKey).toBe('new');
    expect(seen.apiKey).toBe('new');
    restored.stop();
  });
});
