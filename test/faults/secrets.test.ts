/**
 * Keys and URL signatures never reach errors, outcomes' messages, snapshot contexts, persisted snapshots or the
 * inspector's frames, over whole runs with faults. Perceptis' succeeded outcome holds signed download links on
 * purpose (the user needs them): they are allowed in `result` only, and the inspector's frames must not show them.
 */
import { describe, expect, it } from 'vitest';
import { createActor, type AnyActorRef, type InspectionEvent } from 'xstate';
import { perceptisJob } from '../../src/providers/perceptis/chart.js';
import { startInputOf } from '../../src/core/start-input.js';
import { settle } from '../../src/core/outcome.js';
import { Redactor, toPlain } from '../../src/inspect/redact.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import type { FaultRule } from '../../src/simulator/faults.js';
import { findSecrets, signaturesIn } from '../support/secrets.js';
import { simulator } from '../support/sim.js';
import { newClock, nextPause, advanceToWake } from '../support/simulated-time.js';
import { sampleRequest } from '../support/jobs.js';

const request = sampleRequest('perceptis');
const WRONG_KEY = 'sk-live-per-not-a-real-key-but-secret-9999';

/** Everything a run shows anyone: inspection events (raw, and as the inspector's frames), snapshots, the outcome. */
async function wholeRun(apiKey: string, faults: FaultRule[], steps: object[]) {
  const clock = newClock();
  const sim = await simulator(clock);
  sim.perceptis.scripts.push({ steps: steps as never });
  sim.faults.add(...faults);
  const raw: InspectionEvent[] = [];
  const frames: unknown[] = [];
  const redactor = new Redactor();
  const inspect = (event: InspectionEvent) => {
    raw.push(event);
    // As src/inspect's `inspect()` builds a frame: learn the key from the actor's input, then redact the plain copy.
    if (event.type === '@xstate.actor') redactor.learn(startInputOf(event.actorRef as AnyActorRef).apiKey);
    frames.push(redactor.redact(toPlain(event)));
  };
  const input = { baseUrl: sim.url, apiKey, request, options: { jitter: 0, maxRetries: 3, requestTimeoutMs: 200 } };
  let actor = createActor(perceptisJob, { clock, input, inspect }).start();
  const persisted: string[] = [];
  for (let i = 0; i < 100; i++) {
    const snapshot = await nextPause(actor);
    if (snapshot.status !== 'active') break;
    // Persist and restore at every pause, as after a crash.
    const saved = JSON.stringify(actor.getPersistedSnapshot());
    persisted.push(saved);
    actor.stop();
    actor = createActor(perceptisJob, { clock, input, inspect, snapshot: JSON.parse(saved) }).start();
    // The restored timer arms itself in a microtask: let it, so that moving the clock fires it.
    await new Promise((r) => setImmediate(r));
    advanceToWake(actor.getSnapshot(), clock);
  }
  const outcome = await settle(actor);
  return { raw, frames, persisted, outcome, context: actor.getSnapshot().context, sim };
}

/** Raw inspection data minus what legitimately carries secrets: the `xstate.init` input, results, and the live actor refs. */
function rawWithoutInputAndResult(raw: InspectionEvent[]) {
  return raw.map((e) => {
    const plain = toPlain({ type: e.type, event: 'event' in e ? e.event : undefined, snapshot: 'snapshot' in e ? e.snapshot : undefined }) as {
      event?: { type?: string; input?: unknown; result?: unknown };
      snapshot?: { context?: { result?: unknown; outcome?: { result?: unknown } }; output?: { result?: unknown } };
    };
    if (plain.event?.type === 'xstate.init') delete plain.event.input;
    // The answer that ends the job carries its result (the links) to the chart.
    if (plain.event) delete plain.event.result;
    if (plain.snapshot?.context) {
      delete plain.snapshot.context.result;
      if (plain.snapshot.context.outcome) delete plain.snapshot.context.outcome.result;
    }
    if (plain.snapshot?.output) delete plain.snapshot.output.result;
    return plain;
  });
}

describe('secrets never leak', () => {
  it.each<[string, string, FaultRule[], object[], string]>([
    [
      'a job that succeeds through 429s, 5xx, HTML pages and resets',
      PERCEPTIS_TEST_KEY,
      [
        { fault: { http: 429, retryAfter: { seconds: 2 } } },
        { fault: { wire: 'html' } },
        { fault: { pass: true } },
        { fault: { wire: 'reset' }, when: 'after' },
        { fault: { http: 503 } },
      ],
      [{ status: 'pending' }, { status: 'processing' }, { status: 'completed', variants: 2 }],
      'succeeded',
    ],
    ['a job the provider fails', PERCEPTIS_TEST_KEY, [], [{ status: 'processing' }, { status: 'failed' }], 'failed'],
    ['a wrong key, refused', WRONG_KEY, [], [{ status: 'completed' }], 'rejected'],
    ['a job that gives up on bad bodies', PERCEPTIS_TEST_KEY, Array(5).fill({ fault: { spoil: 'missingFields' } }), [{ status: 'completed' }], 'rejected'],
  ])('%s', async (_, apiKey, faults, steps, status) => {
    const run = await wholeRun(apiKey, faults, steps);
    expect(run.outcome.status).toBe(status);
    const signatures = signaturesIn(run.outcome);
    if (status === 'succeeded') expect(signatures.length).toBe(2);
    const secrets = [apiKey, ...signatures];

    // The inspector's frames: nothing at all, not even the download links' signatures.
    expect(findSecrets(JSON.stringify(run.frames), secrets)).toEqual([]);
    // Raw inspection events carry the key only in the actor's input (`xstate.init`), signatures only in the result.
    expect(findSecrets(JSON.stringify(rawWithoutInputAndResult(run.raw)), secrets)).toEqual([]);
    // Persisted snapshots (pauses are before the end: no result yet) and the error messages.
    if (status !== 'rejected') expect(run.persisted.length).toBeGreaterThan(0);
    expect(findSecrets(run.persisted.join('\n'), secrets)).toEqual([]);
    const { result: _result, outcome: _outcome, ...context } = run.context as { result?: unknown; outcome?: unknown };
    expect(findSecrets(JSON.stringify(context), secrets)).toEqual([]);
    const message = run.outcome.status === 'rejected' || run.outcome.status === 'failed' ? run.outcome.error.message : '';
    expect(findSecrets(message, secrets)).toEqual([]);
    // The simulator's log is not a place for them either.
    expect(findSecrets(JSON.stringify(run.sim.log), secrets)).toEqual([]);
  });

  it('findSecrets finds keys, keys inside auth headers, and unredacted signatures; not redacted ones', () => {
    const text = `Authorization: Bearer ${PERCEPTIS_TEST_KEY} https://x/y.pptx?expires=1&signature=abc123 z?signature=[redacted]`;
    expect(findSecrets(text, [PERCEPTIS_TEST_KEY]).map((f) => f.what)).toEqual(['secret #0', 'signature=']);
    expect(JSON.stringify(findSecrets(text, [PERCEPTIS_TEST_KEY]))).not.toContain(PERCEPTIS_TEST_KEY);
  });
});
