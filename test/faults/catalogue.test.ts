/**
 * Every fault the simulator can play, once each, against the real client over HTTP: what the core makes of it.
 * The property runs (perceptis.property.test.ts …) then mix them at random.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { perceptisJob } from '../../src/providers/perceptis/chart.js';
import { MAX_BODY_BYTES, sendRequest } from '../../src/core/http.js';
import { settle } from '../../src/core/outcome.js';
import type { PlannedFault } from '../../src/simulator/faults.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import { simulator } from '../support/sim.js';
import { newClock, pendingTimers, untilSettled } from '../support/simulated-time.js';
import { sampleRequest } from '../support/jobs.js';

const request = sampleRequest('perceptis');
const REQUEST_TIMEOUT_MS = 600;

async function onePerceptisJobWith(fault: PlannedFault, maxRetries = 0) {
  const clock = newClock();
  const sim = await simulator(clock);
  sim.perceptis.scripts.push({ steps: [{ status: 'completed' }] });
  sim.faults.add({ provider: 'perceptis', method: 'GET', fault });
  const actor = createActor(perceptisJob, {
    clock,
    input: {
      baseUrl: sim.url,
      apiKey: PERCEPTIS_TEST_KEY,
      request,
      options: { jitter: 0, maxRetries, requestTimeoutMs: REQUEST_TIMEOUT_MS },
    },
  }).start();
  await untilSettled(actor, clock);
  const outcome = await settle(actor);
  await new Promise((r) => setTimeout(r, 10));
  return { outcome, sim, clock };
}

describe('the fault catalogue, each fault once (Perceptis status request, no retries left)', () => {
  it.each<[string, PlannedFault, string, RegExp]>([
    ['connection reset', { wire: 'reset' }, 'unavailable', /request failed: (ECONNRESET|UND_ERR_SOCKET|other side closed)/i],
    ['a response that never comes', { wire: 'hang' }, 'unavailable', /no answer within 600 ms/],
    ['a body dribbled slower than the request time-out', { wire: 'trickle' }, 'unavailable', /no answer within 600 ms/],
    ['500', { http: 500 }, 'unavailable', /HTTP 500|simulated HTTP 500/],
    ['502', { http: 502 }, 'unavailable', /502/],
    ['503 with Retry-After', { http: 503, retryAfter: { seconds: 3 } }, 'unavailable', /503/],
    ['a body that is not JSON', { wire: 'notJson' }, 'protocol', /unexpected status answer/],
    ['truncated JSON', { wire: 'truncated' }, 'protocol', /unexpected status answer/],
    ['an empty 200', { wire: 'empty' }, 'protocol', /an empty body/],
    ['an HTML error page', { wire: 'html' }, 'unavailable', /HTTP 502: 502 Bad Gateway/],
    ['an unknown status value', { spoil: 'unknownStatus' }, 'protocol', /simulated_unknown_status/],
    ['a missing status field', { spoil: 'missingFields' }, 'protocol', /status/],
    ['a huge valid body', { spoil: 'hugeBody' }, 'protocol', /larger than 2097152 bytes/],
    ['a huge body of junk', { wire: 'hugeBody' }, 'protocol', /larger than 2097152 bytes/],
  ])('%s ends rejected %s with a message that says what happened', async (_, fault, kind, message) => {
    const { outcome, sim, clock } = await onePerceptisJobWith(fault);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(message);
    expect(sim.faults.played).toBe(1);
    expect(sim.inFlight).toBe(0);
    expect(pendingTimers(clock)).toBe(0);
  });

  it.each<[string, PlannedFault]>([
    ['valid JSON labelled text/plain', { spoil: 'wrongContentType' }],
    ['fields nobody documented', { spoil: 'extraFields' }],
  ])('%s is read as the answer it is', async (_, fault) => {
    const { outcome, sim } = await onePerceptisJobWith(fault);
    expect(outcome.status).toBe('succeeded');
    expect(sim.log.find((e) => e.fault)?.fault).toMatch(/^spoil /);
  });

  it.each<[string, PlannedFault, RegExp, number]>([
    ['as seconds', { http: 429, retryAfter: { seconds: 7 } }, /^7$/, 7_000],
    ['as an HTTP-date', { http: 429, retryAfter: { dateInMs: 20_000 } }, /GMT$/, 20_000],
    ['missing', { http: 429 }, /^$/, 1_000],
  ])('429 with Retry-After %s: waits, then goes on', async (_, fault, header, minWait) => {
    const { outcome, sim } = await onePerceptisJobWith(fault);
    expect(outcome.status).toBe('succeeded');
    const gets = sim.requests('perceptis').filter((e) => e.method === 'GET');
    expect(gets.map((e) => e.answer)).toEqual([429, 200]);
    expect(gets[0].retryAfter ?? '').toMatch(header);
    expect(gets[1].at - gets[0].at).toBeGreaterThanOrEqual(minWait);
  });

  it('a lost create answer (the provider made the job) is retried with the same Idempotency-Key: one job', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.faults.add({ provider: 'perceptis', method: 'POST', fault: { wire: 'reset' }, when: 'after' });
    sim.faults.add({ provider: 'perceptis', method: 'POST', fault: { http: 502 }, when: 'after' });
    const actor = createActor(perceptisJob, {
      clock,
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request, options: { jitter: 0 } },
    }).start();
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(sim.requests('perceptis').filter((e) => e.method === 'POST').map((e) => e.fault ?? e.answer)).toEqual([
      'reset/after',
      'http 502/after',
      200,
    ]);
    expect(sim.perceptis.jobCount).toBe(1);
  });
});

describe('the core under hostile bodies', () => {
  it('reads at most MAX_BODY_BYTES of a huge body and drops the connection', async () => {
    const sim = await simulator();
    sim.faults.add({ fault: { wire: 'hugeBody' } });
    const before = process.memoryUsage().arrayBuffers;
    const answer = await sendRequest({ url: `${sim.url}/api/v1/status/x`, method: 'GET', timeoutMs: 5_000, controller: new AbortController() });
    expect(answer).toMatchObject({ status: 200, bodyTooLarge: true });
    if (answer && 'text' in answer) expect(answer.text.length).toBe(MAX_BODY_BYTES);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.inFlight).toBe(0);
  });

  it('a trickled body ends as a time-out, and the socket is closed', async () => {
    const sim = await simulator();
    sim.faults.add({ fault: { wire: 'trickle' } });
    const started = Date.now();
    const answer = await sendRequest({ url: `${sim.url}/api/v1/status/x`, method: 'GET', timeoutMs: 200, controller: new AbortController() });
    expect(answer).toMatchObject({ type: 'http.transient', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.inFlight).toBe(0);
  });
});
