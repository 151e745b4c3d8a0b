import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { blandJob } from '../src/providers/bland/chart.js';
import { settle } from '../src/core/outcome.js';
import { BLAND_TEST_KEY } from '../src/providers/bland/simulator.js';
import { sampleRequest, startJob } from './support/jobs.js';
import { simulator } from './support/sim.js';
import { advanceToWake, newClock, nextPause, pendingTimers, untilSettled } from './support/simulated-time.js';

const request = sampleRequest('bland');

describe('Bland over HTTP, in simulated time', () => {
  it('queues the job, polls while not ready (state generating), and ends succeeded with the pathway id', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.bland.scripts.push({ steps: [{ ready: false }, { ready: false }, { ready: true, pathwayId: 'a6c24531-75b1-4334-95b2-2d0f11e8fe41' }] });
    const actor = startJob('bland', sim.url, clock);
    const seen = new Set<string>();
    actor.subscribe((s) => seen.add(JSON.stringify(s.value)));
    await untilSettled(actor, clock);

    const outcome = await settle(actor);
    expect(outcome).toEqual({
      status: 'succeeded',
      jobId: actor.getSnapshot().context.jobId,
      result: { pathwayId: 'a6c24531-75b1-4334-95b2-2d0f11e8fe41' },
    });
    expect(seen).toContain(JSON.stringify({ polling: { provider: 'unknown', poller: 'requesting' } }));
    expect(seen).toContain(JSON.stringify({ polling: { provider: 'generating', poller: 'waiting' } }));
    expect(actor.getSnapshot().context.progress).toBe(1);
    expect(sim.requests('bland').map((r) => `${r.method} ${r.answer}`)).toEqual(['POST 200', 'GET 200', 'GET 200', 'GET 200']);
  });

  it('the job does not move before its first status request: it starts generating then', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const jobId = sim.bland.addJob({ timeline: [{ afterMs: 0, ready: false }, { afterMs: 10_000, ready: true }] });
    clock.increment(60 * 60_000);
    expect(sim.bland.startedAt(jobId)).toBeNull();
    const firstGetAt = clock.now();
    const actor = startJob('bland', sim.url, clock, { request: undefined, jobId });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(sim.bland.startedAt(jobId)).toBe(firstGetAt);
    const polls = sim.requests('bland', jobId);
    expect(polls.length).toBeGreaterThan(2);
    expect(polls[polls.length - 1].at - firstGetAt).toBeGreaterThanOrEqual(10_000);
  });

  it('ready with an error ends failed with Bland’s words', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.bland.scripts.push({ steps: [{ ready: false }, { ready: true, error: 'Prompt flagged for inappropriate content.' }] });
    const actor = startJob('bland', sim.url, clock);
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({
      status: 'failed',
      jobId: actor.getSnapshot().context.jobId,
      error: { message: 'Prompt flagged for inappropriate content.' },
    });
  });

  it('"Job not found" (code in error, words in message) ends rejected notFound with the code and words', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const jobId = '00000000-0000-4000-8000-000000000000';
    const actor = startJob('bland', sim.url, clock, { request: undefined, jobId });
    expect(await settle(actor)).toEqual({
      status: 'rejected',
      jobId,
      error: { kind: 'notFound', httpStatus: 404, code: 'PATHWAY_GENERATION_FAILED', message: 'Job not found' },
    });
  });

  it('another key’s job is not found either', async () => {
    const clock = newClock();
    const sim = await simulator(clock, { bland: { keys: [BLAND_TEST_KEY, 'org_other'] } });
    const jobId = sim.bland.addJob({ steps: [{ ready: true }] });
    const actor = startJob('bland', sim.url, clock, { request: undefined, jobId, apiKey: 'org_other' });
    expect(await settle(actor)).toMatchObject({ status: 'rejected', error: { kind: 'notFound', code: 'PATHWAY_GENERATION_FAILED' } });
  });

  it.each([
    ['code in message, words in error (the create example)', { message: 'PATHWAY_GENERATION_ERROR', error: 'Prompt must be greater than 100 characters.' }],
    ['code in error, words in message (the status example)', { error: 'PATHWAY_GENERATION_ERROR', message: 'Prompt must be greater than 100 characters.' }],
  ])('errors[] with %s: rejected with the same code and words', async (_, entry) => {
    for (const httpStatus of [400, 200]) {
      const clock = newClock();
      const sim = await simulator(clock);
      sim.bland.scripts.push({ steps: [{ http: httpStatus, body: { data: null, errors: [entry] } }] });
      const actor = startJob('bland', sim.url, clock);
      expect(await settle(actor)).toEqual({
        status: 'rejected',
        jobId: actor.getSnapshot().context.jobId,
        error: {
          kind: 'invalid',
          httpStatus,
          code: 'PATHWAY_GENERATION_ERROR',
          message: 'Prompt must be greater than 100 characters.',
        },
      });
    }
  });

  it('"Job not found" in a 200 answer is notFound too', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.bland.scripts.push({
      steps: [{ http: 200, body: { data: null, errors: [{ error: 'PATHWAY_GENERATION_FAILED', message: 'Job not found' }] } }],
    });
    expect(await settle(startJob('bland', sim.url, clock))).toMatchObject({
      status: 'rejected',
      error: { kind: 'notFound', httpStatus: 200, code: 'PATHWAY_GENERATION_FAILED', message: 'Job not found' },
    });
  });

  it('a bad key ends rejected unauthorized after one request; the key is sent raw, without Bearer', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const outcome = await settle(startJob('bland', sim.url, clock, { apiKey: 'org_revoked' }));
    expect(outcome).toEqual({
      status: 'rejected',
      error: { kind: 'unauthorized', httpStatus: 401, code: 'UNAUTHORIZED', message: 'Invalid API key.' },
    });
    expect(sim.log).toHaveLength(1);
    const bearer = await fetch(`${sim.url}/v1/pathway/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BLAND_TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(bearer.status).toBe(401);
  });

  it.each([
    ['too short', 'x'.repeat(99), /at least 100/],
    ['too long', 'x'.repeat(8001), /at most 8000/],
  ])('an input_prompt %s ends rejected invalid before any request', async (_, input_prompt, message) => {
    const sim = await simulator();
    const actor = createActor(blandJob, { input: { baseUrl: sim.url, apiKey: BLAND_TEST_KEY, request: { input_prompt } } }).start();
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(message);
    expect(sim.log).toHaveLength(0);
  });

  it('the simulator refuses a short prompt with the docs’ own body', async () => {
    const sim = await simulator();
    const answer = await fetch(`${sim.url}/v1/pathway/generate`, {
      method: 'POST',
      headers: { authorization: BLAND_TEST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ input_prompt: 'too short' }),
    });
    expect(await answer.json()).toEqual({
      data: null,
      errors: [{ message: 'PATHWAY_GENERATION_ERROR', error: 'Prompt must be greater than 100 characters.' }],
    });
  });

  it('retries 5xx and dropped connections, then succeeds; gives up after maxRetries (rejected unavailable)', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.bland.scripts.push({ steps: [{ http: 500 }, { fault: 'reset' }, { http: 503 }, { ready: true }] });
    const actor = startJob('bland', sim.url, clock);
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(sim.requests('bland').map((r) => r.answer)).toEqual([200, 500, 'reset', 503, 200]);

    sim.bland.scripts.push({ steps: [{ http: 502 }] });
    const doomed = startJob('bland', sim.url, clock, { options: { maxRetries: 1 } });
    await untilSettled(doomed, clock);
    expect(await settle(doomed)).toMatchObject({ status: 'rejected', error: { kind: 'unavailable', httpStatus: 502 } });
  });

  it('ready: true without pathway_id or error is retried, then rejected protocol', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.bland.scripts.push({ steps: [{ http: 200, body: { data: { ready: true }, errors: null } }] });
    const actor = startJob('bland', sim.url, clock, { options: { maxRetries: 1 } });
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'protocol' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(/without pathway_id or error/);
  });

  it('times out at the overall deadline', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.bland.scripts.push({ steps: [{ ready: false }] });
    const start = clock.now();
    const actor = startJob('bland', sim.url, clock, { options: { timeoutMs: 30_000 } });
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({ status: 'timedOut', jobId: actor.getSnapshot().context.jobId });
    const polls = sim.requests('bland').filter((r) => r.method === 'GET');
    expect(polls[polls.length - 1].at).toBe(start + 30_000);
  });

  it('cancel while generating: no request after it, no timer left', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.bland.scripts.push({ steps: [{ ready: false }] });
    const actor = startJob('bland', sim.url, clock);
    const waiting = await nextPause(actor);
    expect(waiting.matches({ polling: { provider: 'generating', poller: 'waiting' } })).toBe(true);
    const before = sim.log.length;
    actor.send({ type: 'CANCEL' });
    expect(await settle(actor)).toEqual({ status: 'cancelled', jobId: actor.getSnapshot().context.jobId });
    clock.increment(60 * 60_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.log).toHaveLength(before);
    expect(pendingTimers(clock)).toBe(0);
  });
});

describe('Bland persistence', () => {
  it('restored while waiting: polls when due, never queues a second job, and the key is not in the snapshot', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.bland.scripts.push({ steps: [{ ready: false }, { ready: true, pathwayId: 'p-1' }] });
    const first = startJob('bland', sim.url, clock);
    const waiting = await nextPause(first);
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();
    expect(JSON.stringify(persisted)).not.toContain(BLAND_TEST_KEY);

    const restored = createActor(blandJob, { clock, snapshot: persisted, input: { baseUrl: sim.url, apiKey: BLAND_TEST_KEY } }).start();
    expect(restored.getSnapshot().matches({ polling: { provider: 'generating', poller: 'waiting' } })).toBe(true);
    await new Promise((r) => setImmediate(r));
    advanceToWake(waiting, clock);
    await untilSettled(restored, clock);
    expect(await settle(restored)).toMatchObject({ status: 'succeeded', result: { pathwayId: 'p-1' } });
    expect(sim.requests('bland').filter((r) => r.method === 'GET').map((r) => r.at)).toEqual([expect.any(Number), waiting.context.wakeAt]);
    expect(sim.bland.jobCount).toBe(1);
  });

  it('restored while a status request was in flight: the request is repeated, no second job', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.bland.scripts.push({ steps: [{ ready: false }, { ready: true }] });
    const first = startJob('bland', sim.url, clock);
    await waitFor(first, (s) => s.matches({ polling: { poller: 'requesting' } }));
    const persisted = first.getPersistedSnapshot();
    first.stop();
    const restored = createActor(blandJob, { clock, snapshot: persisted, input: { baseUrl: sim.url, apiKey: BLAND_TEST_KEY } }).start();
    await untilSettled(restored, clock);
    expect((await settle(restored)).status).toBe('succeeded');
    expect(sim.bland.jobCount).toBe(1);
    expect(sim.requests('bland').filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('Bland: a create is not sent twice', () => {
  it('a create Bland took (200) but whose answer cannot be read ends rejected / unconfirmed at once: one POST, one job', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.faults.add({ provider: 'bland', method: 'POST', fault: { wire: 'truncated' }, when: 'after' });
    const actor = startJob('bland', sim.url, clock);
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({
      status: 'rejected',
      error: { kind: 'unconfirmed', httpStatus: 200 },
      unconfirmedCreate: { reason: 'unreadable', attempts: 1, httpStatus: 200 },
    });
    const message = outcome.status === 'rejected' ? outcome.error.message : '';
    expect(message).toMatch(
      /^the create may have reached the provider \(the provider answered HTTP 200 but its answer could not be read\); it was not sent again, since a second create would make a second job: the job may exist at the provider \(unexpected create answer: /,
    );
    expect(sim.requests('bland').filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(sim.bland.jobCount).toBe(1);
  });

  it('a create whose connection was reset after Bland took it is sent again only when the app says so (a second job)', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.bland.scripts.push({ steps: [{ ready: true, pathwayId: 'p-lost' }] });
    sim.bland.scripts.push({ steps: [{ ready: true, pathwayId: 'p-1' }] });
    sim.faults.add({ provider: 'bland', method: 'POST', fault: { wire: 'reset' }, when: 'after' });
    const actor = startJob('bland', sim.url, clock, { options: { resendUnconfirmedCreates: true } });
    await untilSettled(actor, clock);
    expect(await settle(actor)).toMatchObject({ status: 'succeeded', result: { pathwayId: 'p-1' } });
    expect(sim.requests('bland').filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(sim.bland.jobCount).toBe(2);
  });
});
