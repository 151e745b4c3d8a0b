/**
 * Issue 13: the hub learns secrets from each producer's job inputs and hides them in that producer's frames only,
 * and what one producer teaches it is capped, so no frame can make the hub slow for everyone.
 */
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../src/inspect/redact.js';
import type { Visualizer } from '../visualizer/server.js';
import { actorFrame, closedAfterEach, eventFrame, producerSocket, sent, snapshotFrame, testVisualizer, until, watchPage } from './support/hub.js';

const open = closedAfterEach();
const visualizer = (): Promise<Visualizer> => testVisualizer(open);

/** A job's first frames: the actor, then its `xstate.init` event carrying the input the hub learns secrets from. */
const startJob = (sessionId: string, input: Record<string, unknown>, context: Record<string, unknown> = {}) => [
  actorFrame(sessionId, context),
  eventFrame(sessionId, { type: 'xstate.init', input }),
];

describe('the hub’s redactor', () => {
  it('hides what a producer’s inputs call secret in that producer’s jobs only: a common word taught by one does not vanish from another', async () => {
    const viz = await visualizer();
    const page = await watchPage(viz, open);
    const hostile = await producerSocket(viz, open);
    const honest = await producerSocket(viz, open);

    for (const frame of startJob('hostile:1', { apiKey: 'perceptis', other: { token: 'processing' } })) await sent(hostile, frame);
    await sent(hostile, snapshotFrame('hostile:1', { status: 'active', value: 'x', context: { note: 'a perceptis deck, processing' } }));
    await until(() => page.job('hostile:1')?.value === 'x', 'the hostile producer’s job');
    for (const frame of startJob('honest:1', { apiKey: 'honest-key-000111' }, { note: 'a perceptis deck, processing' })) await sent(honest, frame);
    await sent(honest, snapshotFrame('honest:1', { status: 'active', value: 'processing', context: { note: 'a perceptis deck, processing; key honest-key-000111' } }));

    const job = await until(() => page.job('honest:1')?.value === 'processing' && page.job('honest:1'), 'the honest job’s snapshot');
    expect(job.provider).toBe('perceptis');
    expect(job.context).toMatchObject({ note: `a perceptis deck, processing; key ${REDACTED}` });
    // The hostile producer's words are still secrets in its own frames.
    expect(page.job('hostile:1')!.context).toMatchObject({ note: `a ${REDACTED} deck, ${REDACTED}` });
  });

  it('keeps answering pages after a producer tries to teach it 1,000 secrets and sends 0.6 MB frames of 60,000 strings', async () => {
    const viz = await visualizer();
    const page = await watchPage(viz, open);
    const hostile = await producerSocket(viz, open);
    const keys = (from: number, count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`account${from + i}`, { apiKey: `learnt-secret-${from + i}` }]));
    for (const frame of startJob('flood:0', keys(0, 1_000))) await sent(hostile, frame);
    for (let job = 1; job <= 50; job++) for (const frame of startJob(`flood:${job}`, keys(job * 20, 20))) await sent(hostile, frame);
    const strings = Array.from({ length: 60_000 }, (_, i) => `item ${i}`);
    const big = snapshotFrame('flood:0', { status: 'active', value: 'polling', context: { strings } });
    expect(big.length).toBeGreaterThan(600_000);
    for (let i = 0; i < 8; i++) await sent(hostile, big);

    const sentAt = Date.now();
    const later = await producerSocket(viz, open);
    await sent(later, actorFrame('later:1'));
    // Generous: the point is that the hub answers at all, not how fast (bench/hub-redact.ts measures that).
    await until(() => page.job('later:1'), 'a later producer’s job', 30_000);
    console.log(`hub answered ${Date.now() - sentAt} ms after 8 frames of 60,000 strings`);

    // The cap keeps the secrets learnt last: a key of the producer's latest job is still hidden in its frames.
    await sent(hostile, snapshotFrame('flood:50', { status: 'active', value: 'polling', context: { note: 'uses learnt-secret-1000' } }));
    await until(() => page.job('flood:50')?.value === 'polling', 'the hostile producer’s later snapshot');
    expect(page.job('flood:50')!.context).toMatchObject({ note: `uses ${REDACTED}` });
  }, 60_000);
});
