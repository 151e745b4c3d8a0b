import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { depictaJob, type DepictaJobInput } from '../src/providers/depicta/chart.js';
import { settle } from '../src/core/outcome.js';
import {
  DEPICTA_NO_CREDIT_KEY,
  DEPICTA_SINGLE_TURN_MODEL,
  DEPICTA_TEST_KEY,
  DEPICTA_UNVERIFIED_KEY,
  type DepictaCreateStep,
} from '../src/providers/depicta/simulator.js';
import type { SimulatorOptions } from '../src/simulator/server.js';
import { sampleRequest, startJob } from './support/jobs.js';
import { simulator } from './support/sim.js';
import { advanceToWake, newClock, nextPause, pendingTimers, untilSettled } from './support/simulated-time.js';

const request = sampleRequest('depicta');

describe('Depicta over HTTP, in simulated time', () => {
  it('pending → processing with scene progress → completed with typed, working image URLs', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.scripts.push({
      steps: [
        { status: 'pending' },
        { status: 'processing', scenesCompleted: 0 },
        { status: 'processing', scenesCompleted: 1 },
        { status: 'processing', scenesCompleted: 2 },
        { status: 'completed' },
      ],
    });
    const actor = startJob('depicta', sim.url, clock);
    const progress: (number | null)[] = [];
    const seen = new Set<string>();
    actor.subscribe((s) => {
      if (progress[progress.length - 1] !== s.context.progress) progress.push(s.context.progress);
      seen.add(JSON.stringify(s.value));
    });
    await untilSettled(actor, clock);

    expect(progress).toEqual([null, 0, 1 / 3, 2 / 3, 1]);
    expect(seen).toContain(JSON.stringify({ polling: { provider: 'pending', poller: 'waiting' } }));
    expect(seen).toContain(JSON.stringify({ polling: { provider: 'processing', poller: 'waiting' } }));
    const outcome = await settle(actor);
    expect(outcome.status).toBe('succeeded');
    if (outcome.status !== 'succeeded') return;
    expect(outcome.result.scenes.map((s) => s.prompt)).toEqual(request.scenes.map((s) => s.prompt));
    for (const scene of outcome.result.scenes) expect(Object.keys(scene.images).sort()).toEqual(['jpeg', 'png', 'webp']);
    expect(outcome.result.characters).toEqual([{ name: 'Aria', referenceUrl: expect.stringMatching(/^http/) }]);
    const png = await fetch(outcome.result.scenes[0].images.png!);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const api = sim.requests('depicta').filter((r) => r.path.startsWith('/v1/'));
    expect(api.map((r) => `${r.method} ${r.answer}`)).toEqual(['POST 202', ...Array(5).fill('GET 200')]);
    const polls = api.filter((r) => r.method === 'GET');
    expect(polls.slice(1).map((r, i) => r.at - polls[i].at)).toEqual([3_000, 3_000, 3_000, 3_000]);
  });

  it('the create answers 202 with poll_url and X-Depicta-Job-Id; the alias path answers the same body', async () => {
    const sim = await simulator();
    const headers = { authorization: `Bearer ${DEPICTA_TEST_KEY}`, 'content-type': 'application/json' };
    const created = await fetch(`${sim.url}/v1/generate/story`, { method: 'POST', headers, body: JSON.stringify(request) });
    expect(created.status).toBe(202);
    const body = (await created.json()) as { job_id: string; poll_url: string };
    expect(body.poll_url).toBe(`/v1/generate/story/${body.job_id}`);
    expect(created.headers.get('x-depicta-job-id')).toBe(body.job_id);
    const viaJobs = await (await fetch(`${sim.url}/v1/jobs/${body.job_id}`, { headers })).json();
    const viaAlias = await (await fetch(`${sim.url}${body.poll_url}`, { headers })).json();
    expect(viaAlias).toEqual(viaJobs);
    expect(viaJobs).toMatchObject({ job_id: body.job_id, status: 'pending', scenes_completed: 0, scenes_total: 3 });
    expect(viaJobs).not.toHaveProperty('started_at');
  });

  it.each([
    ['content_rejected', 'Scene 2 was rejected by content moderation.'],
    ['insufficient_credits', 'Credits ran out after scene 1.'],
  ])('a job that fails with %s ends failed with the code and words', async (code, message) => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.scripts.push({ steps: [{ status: 'processing', scenesCompleted: 1 }, { status: 'failed', error: { code, message } }] });
    const actor = startJob('depicta', sim.url, clock);
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({ status: 'failed', jobId: actor.getSnapshot().context.jobId, error: { code, message } });
  });

  type Case = [string, number, string, string, Partial<DepictaJobInput>, DepictaCreateStep | null, SimulatorOptions?];
  it.each<Case>([
    ['an aspect ratio Depicta does not know', 400, 'invalid', 'bad_request', { request: { ...request, aspect_ratio: '7:3' } }, null],
    ['a revoked key', 401, 'unauthorized', 'auth_invalid', { apiKey: 'dpct_revoked' }, null],
    ['an account without credit', 402, 'payment', 'credit_insufficient', { apiKey: DEPICTA_NO_CREDIT_KEY }, null],
    ['an unverified account', 403, 'forbidden', 'auth_email_not_verified', { apiKey: DEPICTA_UNVERIFIED_KEY }, null],
    ['rejected content', 403, 'forbidden', 'content_rejected', {}, { http: 403, error: 'content_rejected' }],
    ['a conflict', 409, 'invalid', 'conflict', {}, { http: 409 }],
    ['a body too large', 413, 'invalid', 'payload_too_large', {}, null, { depicta: { maxBodyBytes: 100 } }],
    ['a single-turn model', 422, 'invalid', 'model_not_capable', { request: { ...request, model: DEPICTA_SINGLE_TURN_MODEL } }, null],
    ['content blocked for legal reasons', 451, 'forbidden', 'unavailable_for_legal_reasons', {}, { http: 451 }],
  ])('create refused for %s (%i) ends rejected %s with the code, after one request', async (_, httpStatus, kind, code, input, step, options) => {
    const clock = newClock();
    const sim = await simulator(clock, options);
    if (step) sim.depicta.createAnswers.push(step);
    const outcome = await settle(startJob('depicta', sim.url, clock, input));
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind, httpStatus, code, message: expect.any(String) } });
    expect(outcome).not.toHaveProperty('jobId');
    expect(sim.requests('depicta').map((r) => r.answer)).toEqual([httpStatus]);
  });

  it.each([
    [400, 'invalid', 'bad_request'],
    [401, 'unauthorized', 'auth_invalid'],
    [402, 'payment', 'credit_insufficient'],
    [403, 'forbidden', 'content_rejected'],
    [404, 'notFound', 'not_found'],
    [409, 'invalid', 'conflict'],
    [422, 'invalid', 'unprocessable_entity'],
    [451, 'forbidden', 'unavailable_for_legal_reasons'],
  ])('a status answer %i ends rejected %s with the code, without asking again', async (httpStatus, kind, code) => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.scripts.push({ steps: [{ status: 'processing' }, { http: httpStatus }, { status: 'completed' }] });
    const actor = startJob('depicta', sim.url, clock);
    await untilSettled(actor, clock);
    expect(await settle(actor)).toMatchObject({
      status: 'rejected',
      jobId: actor.getSnapshot().context.jobId,
      error: { kind, httpStatus, code },
    });
    expect(sim.requests('depicta').map((r) => r.answer)).toEqual([202, 200, httpStatus]);
  });

  it.each([500, 502, 503])('a status answer %i is retried with back-off, then the job goes on', async (httpStatus) => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.scripts.push({ steps: [{ http: httpStatus }, { http: httpStatus }, { status: 'completed' }] });
    const actor = startJob('depicta', sim.url, clock);
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    const polls = sim.requests('depicta').filter((r) => r.method === 'GET');
    expect(polls.map((r) => r.answer)).toEqual([httpStatus, httpStatus, 200]);
    expect(polls[2].at - polls[1].at).toBeGreaterThan(polls[1].at - polls[0].at);
  });

  it('5xx on create is retried too; past maxRetries the job ends rejected unavailable with Depicta’s words', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.createAnswers.push({ http: 500 }, { http: 503 });
    const first = startJob('depicta', sim.url, clock);
    await untilSettled(first, clock);
    expect((await settle(first)).status).toBe('succeeded');
    expect(sim.requests('depicta').filter((r) => r.method === 'POST').map((r) => r.answer)).toEqual([500, 503, 202]);

    sim.depicta.createAnswers.push({ http: 500 }, { http: 500 }, { http: 500 });
    const doomed = startJob('depicta', sim.url, clock, { options: { maxRetries: 2 } });
    await untilSettled(doomed, clock);
    const outcome = await settle(doomed);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'unavailable', httpStatus: 500 } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(/Internal error. Retry with back-off./);
  });

  it('429 on a status request: nothing is sent before Retry-After has passed', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.scripts.push({ steps: [{ http: 429, headers: { 'retry-after': '12' } }, { status: 'completed' }] });
    const actor = startJob('depicta', sim.url, clock);
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    const polls = sim.requests('depicta').filter((r) => r.method === 'GET');
    expect(polls.map((r) => r.answer)).toEqual([429, 200]);
    expect(polls[1].at - polls[0].at).toBeGreaterThanOrEqual(12_000);
  });

  it('10 requests in flight on one key: the 11th gets 429 rate_limited with Retry-After, and the job waits it out', async () => {
    const clock = newClock();
    const sim = await simulator(clock, { depicta: { retryAfterSeconds: 2 } });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const busy = sim.depicta.addJob({ steps: [...Array(10).fill({ holdUntil: gate }), { status: 'processing' }] }, { now: clock.now() });
    const auth = { authorization: `Bearer ${DEPICTA_TEST_KEY}` };
    const held = Array.from({ length: 10 }, () => fetch(`${sim.url}/v1/jobs/${busy}`, { headers: auth }));
    await waitFor2(() => sim.depicta.inFlight(DEPICTA_TEST_KEY) === 10);

    const eleventh = await fetch(`${sim.url}/v1/jobs/${busy}`, { headers: auth });
    expect(eleventh.status).toBe(429);
    expect(eleventh.headers.get('retry-after')).toBe('2');
    expect(await eleventh.json()).toMatchObject({ error: 'rate_limited', message: 'too many concurrent requests (max 10)' });

    const actor = startJob('depicta', sim.url, clock);
    const backingOff = await nextPause(actor);
    expect(backingOff.matches({ submitting: 'backingOff' })).toBe(true);
    release();
    await Promise.all(held);
    expect(sim.depicta.inFlight()).toBe(0);
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    const posts = sim.requests('depicta').filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.answer)).toEqual([429, 202]);
    expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(2_000);
  });

  it('a 202 whose body is lost is taken by its X-Depicta-Job-Id header: no second story is created', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.createAnswers.push({ lostBody: true });
    const actor = startJob('depicta', sim.url, clock);
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(sim.depicta.jobCount).toBe(1);
    expect(sim.requests('depicta').filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('attaching to an unknown job ends rejected notFound', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const jobId = '00000000-0000-4000-8000-000000000000';
    expect(await settle(startJob('depicta', sim.url, clock, { request: undefined, jobId }))).toEqual({
      status: 'rejected',
      jobId,
      error: { kind: 'notFound', httpStatus: 404, code: 'not_found', message: 'Job not found.' },
    });
  });

  it('times out at the overall deadline', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.scripts.push({ steps: [{ status: 'processing', scenesCompleted: 1 }] });
    const actor = startJob('depicta', sim.url, clock, { options: { timeoutMs: 20_000 } });
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({ status: 'timedOut', jobId: actor.getSnapshot().context.jobId });
    expect(actor.getSnapshot().context.progress).toBeCloseTo(1 / 3);
  });

  it('cancel while processing: no request after it, no timer left', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.scripts.push({ steps: [{ status: 'processing' }] });
    const actor = startJob('depicta', sim.url, clock);
    await nextPause(actor);
    const before = sim.log.length;
    actor.send({ type: 'CANCEL' });
    expect(await settle(actor)).toEqual({ status: 'cancelled', jobId: actor.getSnapshot().context.jobId });
    clock.increment(60 * 60_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.log).toHaveLength(before);
    expect(pendingTimers(clock)).toBe(0);
  });
});

describe('Depicta bad input', () => {
  it.each([
    ['no character', { ...request, characters: [] }, /request.characters: at least 1 character/],
    ['11 characters', { ...request, characters: Array(11).fill(request.characters[0]) }, /at most 10 characters/],
    ['no scene', { ...request, scenes: [] }, /request.scenes: at least 1 scene/],
    ['no model', { ...request, model: '' }, /request.model/],
  ])('%s ends rejected invalid at once, without a request', async (_, bad, message) => {
    const sim = await simulator();
    const actor = createActor(depictaJob, { input: { baseUrl: sim.url, apiKey: DEPICTA_TEST_KEY, request: bad } }).start();
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(message);
    expect(sim.log).toHaveLength(0);
  });
});

describe('Depicta persistence', () => {
  it('restored while waiting: polls when due with progress kept, never creates a second story', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.scripts.push({ steps: [{ status: 'processing', scenesCompleted: 2 }, { status: 'completed' }] });
    const first = startJob('depicta', sim.url, clock);
    const waiting = await nextPause(first);
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();
    expect(JSON.stringify(persisted)).not.toContain(DEPICTA_TEST_KEY);

    const restored = createActor(depictaJob, { clock, snapshot: persisted, input: { baseUrl: sim.url, apiKey: DEPICTA_TEST_KEY } }).start();
    expect(restored.getSnapshot().matches({ polling: { provider: 'processing', poller: 'waiting' } })).toBe(true);
    expect(restored.getSnapshot().context.progress).toBeCloseTo(2 / 3);
    await new Promise((r) => setImmediate(r));
    advanceToWake(waiting, clock);
    await untilSettled(restored, clock);
    expect((await settle(restored)).status).toBe('succeeded');
    expect(sim.requests('depicta').filter((r) => r.method === 'GET').map((r) => r.at)).toEqual([expect.any(Number), waiting.context.wakeAt]);
    expect(sim.depicta.jobCount).toBe(1);
    expect(sim.requests('depicta').filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('restored while a status request was in flight: the request is repeated, no second story', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.depicta.scripts.push({ steps: [{ status: 'pending' }, { status: 'completed' }] });
    const first = startJob('depicta', sim.url, clock);
    await waitFor(first, (s) => s.matches({ polling: { poller: 'requesting' } }));
    const persisted = first.getPersistedSnapshot();
    first.stop();
    const restored = createActor(depictaJob, { clock, snapshot: persisted, input: { baseUrl: sim.url, apiKey: DEPICTA_TEST_KEY } }).start();
    await untilSettled(restored, clock);
    expect((await settle(restored)).status).toBe('succeeded');
    expect(sim.depicta.jobCount).toBe(1);
    expect(sim.requests('depicta').filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

async function waitFor2(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
