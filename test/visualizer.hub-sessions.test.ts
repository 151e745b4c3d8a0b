/**
 * Issue 16: XState numbers sessions per process, so two producer processes streaming with the stock
 * `@statelyai/inspect` inspector both send a `x:0`. The hub marks an id its producer left plain with that producer's
 * connection, so the page shows two jobs with two session ids.
 */
import { describe, expect, it } from 'vitest';
import { closedAfterEach, testVisualizer, until, watchPage } from './support/hub.js';
import { startProducerProcess } from './support/producer-process.js';
import { simulator } from './support/sim.js';

const open = closedAfterEach();

describe('session ids across producer processes, at the hub', () => {
  it('two processes with the stock inspector, both streaming `x:0`, are two jobs with two session ids', { timeout: 60_000 }, async () => {
    const sim = await simulator(undefined, { perceptis: { minPollIntervalMs: 0 } });
    const viz = await testVisualizer(open);
    const page = await watchPage(viz, open);
    for (let i = 0; i < 2; i++) sim.perceptis.scripts.push({ steps: [{ status: 'pending' }, { status: 'processing' }, { status: 'completed', variants: 1 }] });

    const producers = await Promise.all([0, 1].map(() => startProducerProcess('perceptis', sim.url, viz.inspectUrl, 'stock')));
    open.push(...producers.map(({ child }) => ({ close: () => child.exitCode === null && child.kill() })));
    expect(producers[0].sessionId).toBe('x:0');
    expect(producers[1].sessionId).toBe('x:0');
    expect(await Promise.all(producers.map((p) => p.outcome))).toEqual(['succeeded', 'succeeded']);

    const jobs = await until(() => {
      const done = page.jobs().filter((j) => j.status === 'done');
      return done.length === 2 && done;
    }, 'both jobs done on the page');
    // Only the root actors are jobs (their request actors name `x:0` as parent and root: marked the same way).
    expect(page.jobs()).toHaveLength(2);
    const ids = jobs.map((j) => j.sessionId).sort();
    expect(ids[0]).not.toBe(ids[1]);
    for (const id of ids) expect(id).toMatch(/^x:0@c\d+$/);
    expect(jobs.map((j) => j.outcome)).toEqual(['succeeded', 'succeeded']);
  });
});
