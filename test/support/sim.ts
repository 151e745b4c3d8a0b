import { afterEach } from 'vitest';
import type { SimulatedClock } from 'xstate';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/server.js';

const open: Simulator[] = [];

/** A simulator on the test's clock, closed after the test. */
export async function simulator(clock?: SimulatedClock, options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ ...(clock ? { now: () => clock.now() } : {}), ...options });
  open.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((sim) => sim.close()));
});
