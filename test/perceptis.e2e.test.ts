import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { perceptisJob, type PerceptisJobInput } from '../src/providers/perceptis/chart.js';
import { settle } from '../src/core/outcome.js';
import { PERCEPTIS_INELIGIBLE_KEY, PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { sampleRequest, startJob } from './support/jobs.js';
import { simulator } from './support/sim.js';
import { advanceToWake, newClock, nextPause, pendingTimers, untilSettled } from './support/simulated-time.js';

const request = sampleRequest('perceptis');

describe('Perceptis over HTTP, in simulated time', () => {
  it('submits, polls through pending and processing, and ends succeeded with working download links', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({
      steps: [{ status: 'pending' }, { status: 'processing' }, { status: 'processing' }, { status: 'completed', variants: 2 }],
    });
    const actor = startJob('perceptis', sim.url, clock);
    const seen = new Set<string>();
    actor.subscribe((s) => seen.add(JSON.stringify(s.value)));
    await untilSettled(actor, clock);
    const outcome = await settle(actor);

    expect(outcome.status).toBe('succeeded');
    if (outcome.status !== 'succeeded') return;
    expect(outcome.result.downloads.map((d) => d.variant)).toEqual([1, 2]);
    expect(actor.getSnapshot().context.progress).toBe(1);
    expect(seen).toContain(JSON.stringify({ polling: { provider: 'pending', poller: 'waiting' } }));
    expect(seen).toContain(JSON.stringify({ polling: { provider: 'processing', poller: 'waiting' } }));
    expect(sim.requests('perceptis').map((r) => `${r.method} ${r.answer}`)).toEqual([
      'POST 200',
      'GET 200',
      'GET 200',
      'GET 200',
      'GET 200',
    ]);
    const download = await fetch(outcome.result.downloads[0].url);
    expect(download.status).toBe(200);
  });

  it('slows down after repeated in-progress answers and never polls one job more than once a second', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [...Array(6).fill({ status: 'processing' }), { status: 'completed' }] });
    const actor = startJob('perceptis', sim.url, clock);
    await untilSettled(actor, clock);
    const polls = sim.requests('perceptis').filter((r) => r.method === 'GET');
    const gaps = polls.slice(1).map((r, i) => r.at - polls[i].at);
    expect(gaps.every((gap) => gap >= 1_000)).toBe(true);
    expect(gaps).toEqual([...gaps].sort((a, b) => a - b));
    expect(gaps[gaps.length - 1]).toBeGreaterThan(gaps[0]);
    expect(polls.every((r) => r.answer === 200)).toBe(true);
  });

  it('ends failed with the provider’s code and message', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({
      steps: [{ status: 'processing' }, { status: 'failed', error: { code: 'template_render_failed', message: 'Template could not be rendered.' } }],
    });
    const actor = startJob('perceptis', sim.url, clock);
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({
      status: 'failed',
      jobId: actor.getSnapshot().context.jobId,
      error: { code: 'template_render_failed', message: 'Template could not be rendered.' },
    });
  });

  it.each([
    ['unauthorized', 'sk-live-per-revoked', 401, 'Missing, invalid, or revoked API key.'],
    ['forbidden', PERCEPTIS_INELIGIBLE_KEY, 403, 'Organization is not eligible'],
  ])('a %s key ends rejected with the provider’s words, after one request', async (kind, apiKey, httpStatus, words) => {
    const clock = newClock();
    const sim = await simulator(clock);
    const actor = startJob('perceptis', sim.url, clock, { apiKey });
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind, httpStatus } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toContain(words);
    expect(sim.log).toHaveLength(1);
  });

  it('attaching to an unknown job ends rejected notFound', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const actor = startJob('perceptis', sim.url, clock, { request: undefined, jobId: '00000000-0000-4000-8000-000000000000' });
    expect(await settle(actor)).toEqual({
      status: 'rejected',
      jobId: '00000000-0000-4000-8000-000000000000',
      error: {
        kind: 'notFound',
        httpStatus: 404,
        code: 'not_found',
        message: 'Unknown job, or the job was not created with this API key.',
      },
    });
  });

  it('another key’s job is not found either', async () => {
    const clock = newClock();
    const sim = await simulator(clock, { perceptis: { keys: [PERCEPTIS_TEST_KEY, 'sk-live-per-other'] } });
    const jobId = sim.perceptis.addJob({ steps: [{ status: 'completed' }] }, { now: clock.now() });
    const actor = startJob('perceptis', sim.url, clock, { request: undefined, jobId, apiKey: 'sk-live-per-other' });
    expect(await settle(actor)).toMatchObject({ status: 'rejected', error: { kind: 'notFound' } });
  });

  it('attaching to a finished job gives fresh download links; expired links are refused', async () => {
    const clock = newClock();
    const sim = await simulator(clock, { perceptis: { downloadTtlMs: 60_000 } });
    const jobId = sim.perceptis.addJob({ steps: [{ status: 'completed' }] }, { now: clock.now() });
    const first = await settle(startJob('perceptis', sim.url, clock, { request: undefined, jobId }));
    if (first.status !== 'succeeded') throw new Error(first.status);
    clock.increment(61_000);
    const stale = await fetch(first.result.downloads[0].url);
    expect(stale.status).toBe(403);
    expect(await stale.json()).toMatchObject({ error: { code: 'link_expired' } });

    const again = await settle(startJob('perceptis', sim.url, clock, { request: undefined, jobId }));
    if (again.status !== 'succeeded') throw new Error(again.status);
    expect(again.result.downloads[0].url).not.toBe(first.result.downloads[0].url);
    expect((await fetch(again.result.downloads[0].url)).status).toBe(200);
    expect(sim.perceptis.jobCount).toBe(1);
  });

  it('on 429 sends nothing before Retry-After has passed, then goes on', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({
      steps: [
        { http: 429, headers: { 'retry-after': '7' }, body: { error: { code: 'rate_limit_exceeded', message: 'slow down' } } },
        { http: 429, headers: { 'retry-after': new Date(clock.now() + 60_000).toUTCString() } },
        { status: 'completed' },
      ],
    });
    const actor = startJob('perceptis', sim.url, clock);
    const states: string[] = [];
    actor.subscribe((s) => states.push(JSON.stringify(s.value)));
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    const polls = sim.requests('perceptis').filter((r) => r.method === 'GET');
    expect(polls.map((r) => r.answer)).toEqual([429, 429, 200]);
    expect(polls[1].at - polls[0].at).toBeGreaterThanOrEqual(7_000);
    expect(polls[2].at).toBeGreaterThanOrEqual(polls[0].at + 60_000 - 1_000);
    expect(states).toContain(JSON.stringify({ polling: { provider: 'unknown', poller: 'backingOff' } }));
  });

  it('a Retry-After longer than maxRetryAfterMs ends the job rejected rateLimited at once', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ http: 429, headers: { 'retry-after': String(45 * 60) } }] });
    const actor = startJob('perceptis', sim.url, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'rateLimited', httpStatus: 429 } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(/Retry-After 2700 s/);
  });

  it('a 429 without Retry-After near the deadline waits until the deadline at the latest: no request after it', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { http: 429 }, { status: 'processing' }] });
    const start = clock.now();
    // Waits longer than the minute after which a key's learnt rate budget is forgotten: the request goes straight out.
    const actor = startJob('perceptis', sim.url, clock, { options: { pollIntervalMs: 70_000, timeoutMs: 100_000 } });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('timedOut');
    // The 429's back-off (70 s from 70 000) would end at 140 000: brought forward to the deadline, where the job ends.
    const polls = sim.requests('perceptis').filter((r) => r.method === 'GET');
    expect(polls.map((r) => [r.at - start, r.answer])).toEqual([[0, 200], [70_000, 429]]);
    expect(clock.now() - start).toBe(100_000);
  });

  it('repeated 429s with a short Retry-After back off up to the deadline, not past it', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const slowDown = { http: 429, headers: { 'retry-after': '1' } };
    sim.perceptis.scripts.push({ steps: [slowDown, slowDown, slowDown, slowDown, slowDown] });
    const start = clock.now();
    const actor = startJob('perceptis', sim.url, clock, { options: { timeoutMs: 20_000 } });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('timedOut');
    // Back-off 2, 4, 8 s; the next (15 s from 14 000) would end at 29 000: the job ends at the deadline instead.
    expect(clock.now() - start).toBe(20_000);
    const polls = sim.requests('perceptis').filter((r) => r.method === 'GET');
    expect(polls.map((r) => r.at - start)).toEqual([0, 2_000, 6_000, 14_000]);
  });

  it('retries 5xx, HTML error pages and dropped connections, then succeeds', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({
      steps: [{ http: 500 }, { fault: 'html' }, { fault: 'reset' }, { http: 503 }, { status: 'completed' }],
    });
    const actor = startJob('perceptis', sim.url, clock, { options: { maxRetries: 4 } });
    const reasons: string[] = [];
    actor.subscribe((s) => {
      if (s.matches({ polling: { poller: 'retrying' } }) && s.context.lastError) reasons.push(s.context.lastError);
    });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(sim.requests('perceptis').map((r) => r.answer)).toEqual([200, 500, 'html', 'reset', 503, 200]);
    expect(new Set(reasons).size).toBe(4);
  });

  it('gives up after maxRetries consecutive transient failures: rejected unavailable', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ http: 502 }] });
    const actor = startJob('perceptis', sim.url, clock, { options: { maxRetries: 2 } });
    await untilSettled(actor, clock);
    expect(await settle(actor)).toMatchObject({ status: 'rejected', error: { kind: 'unavailable', httpStatus: 502 } });
    expect(sim.requests('perceptis').filter((r) => r.method === 'GET')).toHaveLength(3);
  });

  it.each([
    ['an unknown status value', { status: 'queued_for_render' }, /status value: "queued_for_render"/],
    ['a body that is not JSON', { fault: 'notJson' as const }, /unexpected status answer/],
    ['truncated JSON', { fault: 'truncated' as const }, /unexpected status answer/],
  ])('%s is retried within the budget, then ends rejected protocol (no tight loop)', async (_, step, message) => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [step] });
    const actor = startJob('perceptis', sim.url, clock, { options: { maxRetries: 3 } });
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'protocol' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(message);
    const polls = sim.requests('perceptis').filter((r) => r.method === 'GET');
    expect(polls).toHaveLength(4);
    expect(polls[3].at - polls[0].at).toBeGreaterThanOrEqual(1_000 + 2_000 + 4_000);
  });

  it('times out at the overall deadline after one last poll at the deadline', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }] });
    const start = clock.now();
    const actor = startJob('perceptis', sim.url, clock, { options: { timeoutMs: 11_000 } });
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({ status: 'timedOut', jobId: actor.getSnapshot().context.jobId });
    const polls = sim.requests('perceptis').filter((r) => r.method === 'GET');
    // 2 s, then ×1.5: 2 000, 5 000, 9 500 — the next (15 750) is brought forward to the deadline.
    expect(polls.map((r) => r.at - start)).toEqual([0, 2_000, 5_000, 9_500, 11_000]);
  });

  it('the last poll keeps the provider’s floor between requests even when the deadline is nearer', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }] });
    const start = clock.now();
    const actor = startJob('perceptis', sim.url, clock, { options: { timeoutMs: 10_000 } });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('timedOut');
    const polls = sim.requests('perceptis').filter((r) => r.method === 'GET');
    expect(polls.map((r) => r.at - start)).toEqual([0, 2_000, 5_000, 9_500, 10_500]);
    expect(polls.every((r) => r.answer === 200)).toBe(true);
  });

  it('cancel while waiting: no request after the cancel, no timer left', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }] });
    const actor = startJob('perceptis', sim.url, clock);
    await nextPause(actor);
    const before = sim.log.length;
    actor.send({ type: 'CANCEL' });
    expect(await settle(actor)).toEqual({ status: 'cancelled', jobId: actor.getSnapshot().context.jobId });
    clock.increment(60 * 60_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.log).toHaveLength(before);
    expect(pendingTimers(clock)).toBe(0);
  });

  it('cancel mid-request aborts the request in flight', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ fault: 'hang' }] });
    const actor = startJob('perceptis', sim.url, clock, { options: { requestTimeoutMs: 60_000 } });
    await waitFor(actor, (s) => s.matches({ polling: { poller: 'requesting' } }));
    await waitFor(actor, () => sim.log.length === 1 || sim.log.length === 2);
    await new Promise((r) => setTimeout(r, 30));
    actor.send({ type: 'CANCEL' });
    expect((await settle(actor)).status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 30));
    expect(sim.requests('perceptis').map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('an aborted AbortSignal cancels the job', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const controller = new AbortController();
    const actor = startJob('perceptis', sim.url, clock, { signal: controller.signal });
    await nextPause(actor);
    controller.abort();
    expect((await settle(actor)).status).toBe('cancelled');
  });

  it('a request that never answers is a time-out, retried like any transient failure', async () => {
    const sim = await simulator(undefined, { perceptis: { minPollIntervalMs: 0 } });
    sim.perceptis.scripts.push({ steps: [{ fault: 'hang' }, { status: 'completed' }] });
    const actor = createActor(perceptisJob, {
      input: {
        baseUrl: sim.url,
        apiKey: PERCEPTIS_TEST_KEY,
        request,
        options: { requestTimeoutMs: 100, retryDelayMs: 5, minDelayMs: 0, pollIntervalMs: 5, jitter: 0 },
      },
    }).start();
    const outcome = await settle(actor);
    expect(outcome.status).toBe('succeeded');
    expect(sim.requests('perceptis').map((r) => r.answer)).toEqual([200, 'hang', 200]);
  });
});

describe('Perceptis bad input', () => {
  it.each([
    ['a malformed base URL', { baseUrl: 'not a url' }, /baseUrl must be an http\(s\) URL/],
    ['a missing key', { apiKey: undefined }, /apiKey is missing/],
    ['both request and jobId', { jobId: 'x' }, /either request .* or jobId/],
    ['an invalid request', { request: { prompt: '', output_type: 'single_slide' as const } }, /request.prompt/],
    ['an invalid option', { options: { pollIntervalMs: -1 } }, /options.pollIntervalMs/],
  ])('%s ends rejected invalid at once, without a request', async (_, input, message) => {
    const sim = await simulator();
    const actor = createActor(perceptisJob, {
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request, ...input } as PerceptisJobInput,
    }).start();
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(message);
    expect(sim.log).toHaveLength(0);
  });

  it('a refused connection is retried, then ends rejected unavailable with the network error', async () => {
    const sim = await simulator();
    const url = sim.url;
    await sim.close();
    const actor = createActor(perceptisJob, {
      input: { baseUrl: url, apiKey: PERCEPTIS_TEST_KEY, request, options: { maxRetries: 1, retryDelayMs: 1, minDelayMs: 0 } },
    }).start();
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'unavailable' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(/ECONNREFUSED/);
  });
});

describe('Perceptis persistence', () => {
  it('restored while waiting: the next poll happens when it was due, the job is not created again', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { status: 'completed' }] });
    const first = startJob('perceptis', sim.url, clock);
    const waiting = await nextPause(first);
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();
    const dueAt = waiting.context.wakeAt!;
    expect(JSON.stringify(persisted)).not.toContain(PERCEPTIS_TEST_KEY);

    const restored = createActor(perceptisJob, {
      clock,
      snapshot: persisted,
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request },
    }).start();
    expect(restored.getSnapshot().matches({ polling: { poller: 'waiting' } })).toBe(true);
    await new Promise((r) => setImmediate(r));
    clock.set(dueAt - 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.requests('perceptis').filter((r) => r.method === 'GET')).toHaveLength(1);
    advanceToWake(waiting, clock);
    await untilSettled(restored, clock);
    expect((await settle(restored)).status).toBe('succeeded');
    const log = sim.requests('perceptis');
    expect(log.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(log.filter((r) => r.method === 'GET').map((r) => r.at)).toEqual([expect.any(Number), dueAt]);
  });

  it('restored while the create was in flight: the same Idempotency-Key gives the same job', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'completed' }] });
    const first = startJob('perceptis', sim.url, clock);
    const persisted = first.getPersistedSnapshot();
    expect(first.getSnapshot().matches({ submitting: 'requesting' })).toBe(true);
    await waitFor(first, (s) => s.context.jobId !== null);
    first.stop();

    const restored = createActor(perceptisJob, {
      clock,
      snapshot: persisted,
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request },
    }).start();
    await untilSettled(restored, clock);
    expect(await settle(restored)).toMatchObject({ status: 'succeeded', jobId: first.getSnapshot().context.jobId });
    expect(sim.perceptis.jobCount).toBe(1);
    expect(sim.requests('perceptis').filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('restored while a status request was in flight: the request is repeated, polling goes on', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { status: 'completed' }] });
    const first = startJob('perceptis', sim.url, clock);
    await waitFor(first, (s) => s.matches({ polling: { poller: 'requesting' } }));
    const persisted = first.getPersistedSnapshot();
    first.stop();
    const restored = createActor(perceptisJob, {
      clock,
      snapshot: persisted,
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY },
    }).start();
    await untilSettled(restored, clock);
    expect((await settle(restored)).status).toBe('succeeded');
    expect(sim.perceptis.jobCount).toBe(1);
  });

  it('once the create is accepted, the request (reference images and all) is no longer carried in snapshots', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { status: 'completed' }] });
    const image = 'iVBORw0KGgo'.padEnd(50_000, 'A');
    const actor = startJob('perceptis', sim.url, clock, { request: { ...request, reference_images: [{ data: image, mime_type: 'image/png' }] } });
    expect(JSON.stringify(actor.getPersistedSnapshot())).toContain(image);
    const waiting = await nextPause(actor);
    expect(waiting.context.request).toBeNull();
    expect(JSON.stringify(actor.getPersistedSnapshot())).not.toContain(image);
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
  });

  it('a snapshot of another schema version restores into rejected, saying why', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const first = startJob('perceptis', sim.url, clock);
    const persisted = first.getPersistedSnapshot() as unknown as { context: { schemaVersion: number } };
    first.stop();
    const old = { ...persisted, context: { ...persisted.context, schemaVersion: 0 } };
    const restored = createActor(perceptisJob, {
      snapshot: old as unknown as ReturnType<typeof first.getPersistedSnapshot>,
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY },
    }).start();
    const outcome = await settle(restored);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(/schema version is 0/);
  });
});
