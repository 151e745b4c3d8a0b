import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createActor, setup, waitFor, type EventObject } from 'xstate';
import { z } from 'zod';
import { initialJobContext, type AnyJobContext, type JobSpec } from '../src/core/context.js';
import { startInputOf } from '../src/core/start-input.js';
import { jobActions } from '../src/core/actions.js';
import { requestActor } from '../src/core/request-actor.js';
import { settle } from '../src/core/outcome.js';
import { startJob } from './support/jobs.js';
import { simulator } from './support/sim.js';
import { newClock, nextPause, untilSettled } from './support/simulated-time.js';

const spec: JobSpec<{ prompt: string }> = {
  provider: 'acme',
  defaults: { pollIntervalMs: 2_000 },
  requestSchema: z.object({ prompt: z.string().min(1, 'prompt must not be empty'), style: z.object({ size: z.number() }).optional() }),
  jobIdSchema: z.string().uuid(),
  needsKey: true,
};
const good = { baseUrl: 'https://api.acme.test/v1', apiKey: 'k', request: { prompt: 'hi' } };
const problemOf = (input: unknown, s: JobSpec<{ prompt: string }> = spec) =>
  initialJobContext(input as never, s, 1_000).inputProblem;

describe('initialJobContext: what a bad input is told, never a throw', () => {
  it('accepts a good input: no problem, base URL without trailing slashes, deadline from timeoutMs', () => {
    const context = initialJobContext({ ...good, baseUrl: 'http://api.acme.test/v1///' }, spec, 1_000);
    expect(context.inputProblem).toBeNull();
    expect(context.baseUrl).toBe('http://api.acme.test/v1');
    expect(context.request).toEqual({ prompt: 'hi' });
    expect(context.jobId).toBeNull();
    expect(context.options.pollIntervalMs).toBe(2_000);
    expect(context.deadlineAt).toBe(1_000 + 15 * 60_000);
    expect(initialJobContext({ ...good, options: { timeoutMs: Infinity } }, spec, 1_000).deadlineAt).toBeNull();
    const attach = initialJobContext({ baseUrl: good.baseUrl, apiKey: 'k', jobId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }, spec, 0);
    expect(attach.inputProblem).toBeNull();
    expect(attach.jobId).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
    expect(attach.request).toBeNull();
  });

  it.each([undefined, null, 'https://api.acme.test', 42])('no input object (%s): says what is required', (input) => {
    const context = initialJobContext(input as never, spec, 0);
    expect(context.inputProblem).toBe('input is required: { baseUrl, apiKey, request | jobId }');
    expect(context.baseUrl).toBe('');
    expect(context.request).toBeNull();
    expect(context.jobId).toBeNull();
  });

  it.each([
    [undefined, 'baseUrl must be an http(s) URL, got undefined'],
    [42, 'baseUrl must be an http(s) URL, got 42'],
    ['api.acme.test', 'baseUrl must be an http(s) URL, got "api.acme.test"'],
    ['ftp://api.acme.test', 'baseUrl must be an http(s) URL, got "ftp://api.acme.test"'],
  ])('baseUrl %s is refused', (baseUrl, problem) => {
    const context = initialJobContext({ ...good, baseUrl } as never, spec, 0);
    expect(context.inputProblem).toBe(problem);
    expect(context.baseUrl).toBe(typeof baseUrl === 'string' ? baseUrl : '');
  });

  it('takes http and https base URLs alike', () => {
    expect(problemOf({ ...good, baseUrl: 'http://127.0.0.1:8080' })).toBeNull();
    expect(problemOf({ ...good, baseUrl: 'https://127.0.0.1:8080' })).toBeNull();
  });

  it.each([undefined, '', '   ', 42])('a missing or blank API key (%s) is refused when the provider needs one', (apiKey) => {
    expect(problemOf({ ...good, apiKey })).toBe('apiKey is missing: acme needs an API key');
    expect(problemOf({ ...good, apiKey }, { ...spec, needsKey: false })).toBeNull();
  });

  it('wants exactly one of request and jobId', () => {
    const both = 'give either request (to submit a job) or jobId (to attach to one), not both';
    expect(problemOf({ baseUrl: good.baseUrl, apiKey: 'k' })).toBe(both);
    expect(problemOf({ ...good, jobId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' })).toBe(both);
  });

  it('names the bad field of a request and the bad job id', () => {
    expect(problemOf({ ...good, request: { prompt: '' } })).toBe('request.prompt: prompt must not be empty');
    expect(problemOf({ ...good, request: { prompt: 'hi', style: { size: 'big' } } })).toMatch(/^request\.style\.size: /);
    expect(problemOf({ baseUrl: good.baseUrl, apiKey: 'k', jobId: 'job-1' })).toBe('jobId is not a acme job id: "job-1"');
  });

  it('a bad option is the problem, and the context still gets the provider defaults', () => {
    const context = initialJobContext({ ...good, options: { pollIntervalMs: -1 } }, spec, 0);
    expect(context.inputProblem).toMatch(/^options\.pollIntervalMs: /);
    expect(context.options.pollIntervalMs).toBe(2_000);
    // An input problem is told before an option problem.
    expect(problemOf({ ...good, apiKey: '', options: { pollIntervalMs: -1 } })).toBe('apiKey is missing: acme needs an API key');
  });

  it('a chart whose own defaults are bad is a programming error, said at once', () => {
    const broken = { ...spec, defaults: { pollIntervalMs: -5 } };
    expect(() => initialJobContext({ ...good, options: { jitter: 7 } }, broken, 0)).toThrow(/^bad defaults for acme: options\.pollIntervalMs/);
  });
});

describe('startInputOf: the key and signal are read from the running actor', () => {
  it('gives the input object the actor was started with, or nothing', () => {
    const input = { baseUrl: 'http://x', apiKey: 'k' };
    expect(startInputOf({ options: { input } } as never)).toBe(input);
    expect(startInputOf(undefined)).toEqual({});
    expect(startInputOf({} as never)).toEqual({});
    expect(startInputOf({ options: {} } as never)).toEqual({});
    expect(startInputOf({ options: { input: null } } as never)).toEqual({});
    expect(startInputOf({ options: { input: 'http://x' } } as never)).toEqual({});
  });
});

describe('requestActor: one exchange, one event, nothing after the state is left', () => {
  function oneRequest(perform: Parameters<typeof requestActor>[0]) {
    const chart = setup({ actors: { call: requestActor(perform) } }).createMachine({
      initial: 'requesting',
      context: initialJobContext(good, spec, 0),
      states: {
        requesting: {
          invoke: { src: 'call', input: ({ context }) => ({ context }) },
          on: { '*': { target: 'answered', actions: ({ event, self }) => ((self as { answer?: unknown }).answer = event) } },
        },
        answered: { type: 'final' },
      },
    });
    return chart;
  }

  it('a bug in the client becomes a transient protocol failure, stamped with the clock', async () => {
    const clock = newClock();
    const actor = createActor(
      oneRequest(async () => {
        throw new Error('boom');
      }),
      { clock },
    ).start();
    await waitFor(actor, (s) => s.status === 'done');
    expect((actor as unknown as { answer: unknown }).answer).toStrictEqual({
      type: 'http.transient',
      reason: 'protocol',
      message: 'could not read the answer: boom',
      at: clock.now(),
      sentAt: clock.now(),
    });
    const other = createActor(oneRequest(() => Promise.reject('plain words')), { clock }).start();
    await waitFor(other, (s) => s.status === 'done');
    expect((other as unknown as { answer: { message: string } }).answer.message).toBe('could not read the answer: plain words');
  });

  it('an actor stopped in the task it started in sends no request (React StrictMode mounts, unmounts, mounts)', async () => {
    let sent = 0;
    const chart = oneRequest(async () => {
      sent += 1;
      return null;
    });
    // What @xstate/react's useActor does under StrictMode: start, stop at once, then the component's real start.
    const first = createActor(chart).start();
    first.stop();
    const second = createActor(chart).start();
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toBe(1);
    second.stop();
  });

  it('a client that gives no event sends nothing', async () => {
    const actor = createActor(oneRequest(async () => null)).start();
    await new Promise((r) => setTimeout(r, 20));
    expect(actor.getSnapshot().value).toBe('requesting');
    actor.stop();
  });

  it('a failure after the state was left is not sent', async () => {
    let fail!: (e: Error) => void;
    let signal!: AbortSignal;
    const actor = createActor(
      oneRequest((args) => {
        signal = args.controller.signal;
        return new Promise((_, reject) => (fail = reject));
      }),
    ).start();
    await Promise.resolve();
    actor.stop();
    expect(signal.aborted).toBe(true);
    fail(new Error('late'));
    await new Promise((r) => setTimeout(r, 20));
    expect((actor as unknown as { answer?: unknown }).answer).toBeUndefined();
  });

  it('a request that has settled is not aborted when the state is left', async () => {
    let signal!: AbortSignal;
    const actor = createActor(
      oneRequest(async (args) => {
        signal = args.controller.signal;
        return { type: 'status.done' };
      }),
    ).start();
    await waitFor(actor, (s) => s.status === 'done');
    expect(signal.aborted).toBe(false);
  });
});

describe('shared actions over HTTP: what the context tells people watching', () => {
  it('counts requests, keeps the last answer with its HTTP status and words, resets the streaks', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({
      steps: [
        { http: 429, headers: { 'retry-after': '2' } },
        { http: 429, headers: { 'retry-after': '2' } },
        { http: 503, body: { error: { code: 'overloaded', message: 'try later' } } },
        { status: 'processing' },
        { status: 'completed' },
      ],
    });
    const actor = startJob('perceptis', sim.url, clock);
    const contexts: { rateLimits: number; retries: number; requests: number; lastAnswer: unknown; progress: unknown }[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await nextPause(actor);
      contexts.push(s.context);
      clock.set(Math.max(clock.now(), s.context.wakeAt!));
    }
    expect(contexts.map((c) => [c.requests, c.rateLimits, c.retries])).toEqual([
      [2, 1, 0],
      [3, 2, 0],
      [4, 2, 1], // a 503 is not a 429: the 429 streak ends only with a good answer
      [5, 0, 0],
    ]);
    expect(contexts[2].lastAnswer).toStrictEqual({
      at: expect.any(Number),
      event: 'http.transient',
      httpStatus: 503,
      message: 'try later',
    });
    expect(contexts[3].lastAnswer).toStrictEqual({ at: sim.requests('perceptis')[4].at, event: 'status.processing' });
    expect(contexts[3].progress).toBeNull();
    await untilSettled(actor, clock);
    expect(actor.getSnapshot().context.progress).toBe(1);
    expect(actor.getSnapshot().context.requests).toBe(6);
  });

  it('a request in flight has no wait: wakeAt and waitReason are cleared when the timer fires', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { fault: 'hang' }] });
    const actor = startJob('perceptis', sim.url, clock, { options: { requestTimeoutMs: 60_000 } });
    const waiting = await nextPause(actor);
    expect(waiting.context.waitReason).toBe('poll');
    clock.set(waiting.context.wakeAt!);
    const requesting = await waitFor(actor, (s) => s.matches({ polling: { poller: 'requesting' } }));
    expect(requesting.context.wakeAt).toBeNull();
    expect(requesting.context.waitReason).toBeNull();
    actor.stop();
  });

  it('cancel mid-request closes the connection at once (not at the request time-out)', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ fault: 'hang' }] });
    const actor = startJob('perceptis', sim.url, clock, { options: { requestTimeoutMs: 60_000 } });
    for (let i = 0; i < 100 && !(sim.inFlight === 1 && sim.requests('perceptis').length === 2); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(sim.inFlight).toBe(1);
    actor.send({ type: 'CANCEL' });
    expect((await settle(actor)).status).toBe('cancelled');
    for (let i = 0; i < 50 && sim.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sim.inFlight).toBe(0);
  });
});

describe('the AbortSignal a job is started with', () => {
  it('already aborted: the job is cancelled before it sends anything', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const controller = new AbortController();
    controller.abort();
    const actor = startJob('perceptis', sim.url, clock, { signal: controller.signal });
    expect(await settle(actor)).toEqual({ status: 'cancelled' });
    expect(sim.requests('perceptis').filter((r) => r.method === 'POST').length).toBeLessThanOrEqual(1);
  });

  it('never aborted: the job runs to its end, and leaves no listener on the signal', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { status: 'completed' }] });
    const controller = new AbortController();
    const actor = startJob('perceptis', sim.url, clock, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('shared guards over HTTP: deadlines and Retry-After', () => {
  it('without an overall deadline (timeoutMs Infinity) the job polls on, waits at the interval and ends succeeded', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { http: 503 }, { status: 'completed' }] });
    const start = clock.now();
    const actor = startJob('perceptis', sim.url, clock, { options: { timeoutMs: Infinity, pollGrowth: 1 } });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(sim.requests('perceptis').map((r) => r.at - start)).toEqual([0, 0, 2_000, 3_000]);
  });

  it('a Retry-After exactly maxRetryAfterMs is waited, one longer ends the job rejected', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ http: 429, headers: { 'retry-after': '7' } }, { status: 'completed' }] });
    const actor = startJob('perceptis', sim.url, clock, { options: { maxRetryAfterMs: 7_000 } });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
  });

  it('a Retry-After past the overall deadline ends the job timedOut at once, without asking again', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ http: 429, headers: { 'retry-after': '20' } }] });
    const start = clock.now();
    const actor = startJob('perceptis', sim.url, clock, { options: { timeoutMs: 15_000 } });
    await untilSettled(actor, clock);
    expect(clock.now()).toBe(start);
    expect(await settle(actor)).toEqual({ status: 'timedOut', jobId: actor.getSnapshot().context.jobId });
    expect(sim.requests('perceptis').map((r) => `${r.method} ${r.answer}`)).toEqual(['POST 200', 'GET 429']);
  });

  it('a Retry-After ending exactly at the deadline is waited out (the job times out at the deadline, not before)', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ http: 429, headers: { 'retry-after': '15' } }, { status: 'completed' }] });
    const start = clock.now();
    const actor = startJob('perceptis', sim.url, clock, { options: { timeoutMs: 15_000 } });
    const seen = new Set<string>();
    actor.subscribe((s) => seen.add(JSON.stringify(s.value)));
    await untilSettled(actor, clock);
    expect([...seen].some((value) => value.includes('"poller":"backingOff"'))).toBe(true);
    expect(clock.now() - start).toBe(15_000);
    expect((await settle(actor)).status).toBe('timedOut');
  });

  it('without a deadline a long Retry-After is waited', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ http: 429, headers: { 'retry-after': '300' } }, { status: 'completed' }] });
    const actor = startJob('perceptis', sim.url, clock, { options: { timeoutMs: Infinity } });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
  });
});

describe('rejections say what the provider said, and nothing it did not', () => {
  it('giving up on transient failures counts the tries; no code or HTTP status is made up', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ fault: 'reset' }] });
    const actor = startJob('perceptis', sim.url, clock, { options: { maxRetries: 2 } });
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toStrictEqual({
      status: 'rejected',
      jobId: actor.getSnapshot().context.jobId,
      error: { kind: 'unavailable', message: expect.stringMatching(/^request failed: .+ \(gave up after 3 tries\)$/) },
    });
  });

  it('a 503 refusal keeps its status but has no code', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.perceptis.scripts.push({ steps: [{ http: 503, body: { error: { message: 'down' } } }] });
    const actor = startJob('perceptis', sim.url, clock, { options: { maxRetries: 0 } });
    await untilSettled(actor, clock);
    expect(await settle(actor)).toStrictEqual({
      status: 'rejected',
      jobId: actor.getSnapshot().context.jobId,
      error: { kind: 'unavailable', httpStatus: 503, message: 'down (gave up after 1 tries)' },
    });
  });
});

describe('recordAnswer, for a chart whose provider reports progress', () => {
  it('takes a number or an explicit null, keeps the last progress when the answer says nothing', () => {
    const chart = setup({ types: { context: {} as AnyJobContext, events: {} as EventObject }, actions: jobActions }).createMachine({
      context: { progress: 0.5 } as never,
      on: { answer: { actions: 'recordAnswer' } },
    });
    const actor = createActor(chart).start();
    const progress = () => (actor.getSnapshot().context as { progress: unknown }).progress;
    actor.send({ type: 'answer' });
    expect(progress()).toBe(0.5);
    actor.send({ type: 'answer', progress: 0.75 } as never);
    expect(progress()).toBe(0.75);
    actor.send({ type: 'answer', progress: null } as never);
    expect(progress()).toBeNull();
    actor.send({ type: 'answer', progress: 'most' } as never);
    expect(progress()).toBeNull();
  });
});
