import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { markdown2pdfJob, type Markdown2pdfJobInput } from '../src/providers/markdown2pdf/chart.js';
import { settle } from '../src/core/outcome.js';
import type { Markdown2pdfSimOptions } from '../src/providers/markdown2pdf/simulator.js';
import { sampleRequest, startJob } from './support/jobs.js';
import { simulator } from './support/sim.js';
import { advanceToWake, newClock, nextPause, pendingTimers, untilSettled } from './support/simulated-time.js';

const request = sampleRequest('markdown2pdf');
type Clock = ReturnType<typeof newClock>;
type Actor = ReturnType<typeof startJob<'markdown2pdf'>>;

async function sim(clock: Clock, options: Markdown2pdfSimOptions = {}) {
  return simulator(clock, { markdown2pdf: options });
}

/** Every distinct state value the actor went through, as JSON. */
function statesOf(actor: Actor): Set<string> {
  const seen = new Set<string>([JSON.stringify(actor.getSnapshot().value)]);
  actor.subscribe((s) => seen.add(JSON.stringify(s.value)));
  return seen;
}

const methods = (entries: { method: string; path: string; answer: number | string }[]) =>
  entries.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, '{id}')} ${r.answer}`);

describe('markdown2pdf over HTTP, in simulated time', () => {
  it('free of charge: Not Started → Processing → Done → metadata → succeeded with the PDF url', async () => {
    const clock = newClock();
    const s = await sim(clock, { pricing: 'free' });
    s.markdown2pdf.scripts.push({
      steps: [{ status: 'Not Started' }, { status: 'Processing', progress: 0.25 }, { status: 'Processing', progress: 0.75 }, { status: 'Done' }],
    });
    const actor = startJob('markdown2pdf', s.url, clock);
    const seen = statesOf(actor);
    const progress: (number | null)[] = [];
    actor.subscribe((snap) => progress.at(-1) !== snap.context.progress && progress.push(snap.context.progress));
    await untilSettled(actor, clock);
    const outcome = await settle(actor);

    expect(outcome).toMatchObject({ status: 'succeeded', jobId: actor.getSnapshot().context.jobId, result: { document_name: 'q3.pdf' } });
    if (outcome.status !== 'succeeded') return;
    expect(outcome.result.url).toMatch(new RegExp(`^${s.url}/files/.+/q3\\.pdf$`));
    expect(progress).toEqual([0, 0.25, 0.75, 1]);
    for (const provider of ['notStarted', 'processing']) {
      expect(seen).toContain(JSON.stringify({ polling: { provider, poller: 'waiting' } }));
    }
    expect(seen).toContain(JSON.stringify({ fetchingOutput: 'requesting' }));
    expect(methods(s.requests('markdown2pdf'))).toEqual([
      'POST /v1/markdown 200',
      'GET /job/{id}/status 200',
      'GET /job/{id}/status 200',
      'GET /job/{id}/status 200',
      'GET /job/{id}/status 200',
      'GET /job/{id}/output 200',
    ]);
    const polls = s.requests('markdown2pdf').filter((r) => r.path.endsWith('/status'));
    expect(polls.slice(1).map((r, i) => r.at - polls[i].at)).toEqual([3_000, 3_000, 3_000]);
    const pdf = await fetch(outcome.result.url);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(await pdf.text()).toMatch(/^%PDF-/);
  });

  it('402 → paymentRequired with the offers → PAID → 402 again → PAID once settled → polled to succeeded', async () => {
    const clock = newClock();
    const s = await sim(clock);
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Processing', progress: 0.5 }, { status: 'Done' }] });
    const actor = startJob('markdown2pdf', s.url, clock);
    const seen = statesOf(actor);

    const first = await nextPause(actor);
    expect(first.value).toBe('paymentRequired');
    expect(first.hasTag('needs-input')).toBe(true);
    expect(first.context.jobId).toBeNull();
    const payment = first.context.payment!;
    expect(payment.offers).toEqual([expect.objectContaining({ id: expect.stringMatching(/^offer_/), payment_methods: ['lightning'] })]);
    expect(payment.payment_request_url).toBe(`${s.url}/l402/payment-request`);

    // The person asks for an invoice, as the SDKs do: the whole flow can be walked against the simulator.
    const invoice = await fetch(payment.payment_request_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ offer_id: payment.offers[0].id, payment_context_token: payment.payment_context_token, payment_method: 'lightning' }),
    });
    expect(invoice.status).toBe(200);
    expect(await invoice.json()).toMatchObject({ payment_request: { payment_request: expect.stringMatching(/^lnbc/) } });

    actor.send({ type: 'PAID' }); // not paid yet: the provider answers 402 again
    const second = await nextPause(actor);
    expect(second.value).toBe('paymentRequired');
    expect(second.context.payment!.payment_context_token).not.toBe(payment.payment_context_token);

    expect(s.markdown2pdf.settlePayments()).toBe(2);
    actor.send({ type: 'PAID' });
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome.status).toBe('succeeded');
    expect(actor.getSnapshot().context.payment).toBeNull();
    expect(seen).toContain(JSON.stringify({ submitting: 'requesting' }));
    expect(seen).toContain(JSON.stringify({ polling: { provider: 'processing', poller: 'waiting' } }));
    expect(methods(s.requests('markdown2pdf'))).toEqual([
      'POST /v1/markdown 402',
      'POST /l402/payment-request 200',
      'POST /v1/markdown 402',
      'POST /v1/markdown 200',
      'GET /job/{id}/status 200',
      'GET /job/{id}/status 200',
      'GET /job/{id}/output 200',
    ]);
    expect(s.markdown2pdf.jobCount).toBe(1);
  });

  it('PAID is ignored outside paymentRequired', async () => {
    const clock = newClock();
    const s = await sim(clock, { pricing: 'free' });
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Processing' }, { status: 'Done' }] });
    const actor = startJob('markdown2pdf', s.url, clock);
    await nextPause(actor);
    actor.send({ type: 'PAID' });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(s.requests('markdown2pdf').filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it.each([
    ['status_meta', { status: 'Error' as const, status_meta: 'LaTeX Error: File `missing.sty` not found.' }, 'LaTeX Error: File `missing.sty` not found.'],
    ['description only', { status: 'Error' as const, status_meta: null, description: 'Conversion failed' }, 'Conversion failed'],
  ])('Error ends failed at once with the provider’s words (%s), and nothing is polled after it', async (_, step, message) => {
    const clock = newClock();
    const s = await sim(clock, { pricing: 'free' });
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Processing', progress: 0.4 }, step, { status: 'Done' }] });
    const actor = startJob('markdown2pdf', s.url, clock);
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({ status: 'failed', jobId: actor.getSnapshot().context.jobId, error: { message } });
    const before = s.log.length;
    clock.increment(10 * 60_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.log).toHaveLength(before);
    expect(methods(s.requests('markdown2pdf')).slice(-2)).toEqual(['GET /job/{id}/status 200', 'GET /job/{id}/status 200']);
    expect(pendingTimers(clock)).toBe(0);
  });

  it.each([
    ['relative' as const, /^\/job\/[0-9a-f-]{36}\/status$/],
    ['absolute' as const, /^http:\/\/127\.0\.0\.1:\d+\/job\/[0-9a-f-]{36}\/status$/],
  ])('follows a %s `path` for the status and the metadata', async (paths, written) => {
    const clock = newClock();
    const s = await sim(clock, { pricing: 'free', paths });
    const created = await fetch(`${s.url}/v1/markdown`, { method: 'POST', body: JSON.stringify(request) });
    expect((await created.json()).path).toMatch(written);
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Done' }] });
    const actor = startJob('markdown2pdf', s.url, clock);
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    const { jobId, statusUrl, outputUrl } = actor.getSnapshot().context;
    expect(statusUrl).toBe(`${s.url}/job/${jobId}/status`);
    expect(outputUrl).toBe(`${s.url}/job/${jobId}/output`);
  });

  it('attaches by jobId: polls /job/{id}/status and ends succeeded', async () => {
    const clock = newClock();
    const s = await sim(clock);
    const jobId = s.markdown2pdf.addJob({ steps: [{ status: 'Processing', progress: 0.9 }, { status: 'Done' }] }, { now: clock.now() });
    const actor = startJob('markdown2pdf', s.url, clock, { request: undefined, jobId });
    await untilSettled(actor, clock);
    expect(await settle(actor)).toMatchObject({ status: 'succeeded', jobId, result: { url: expect.stringContaining(jobId) } });
    expect(methods(s.requests('markdown2pdf'))).toEqual(['GET /job/{id}/status 200', 'GET /job/{id}/status 200', 'GET /job/{id}/output 200']);
  });

  it('an unknown job ends rejected notFound with the provider’s words', async () => {
    const clock = newClock();
    const s = await sim(clock);
    const jobId = '00000000-0000-4000-8000-000000000000';
    expect(await settle(startJob('markdown2pdf', s.url, clock, { request: undefined, jobId }))).toEqual({
      status: 'rejected',
      jobId,
      error: { kind: 'notFound', httpStatus: 404, message: 'Job not found' },
    });
  });

  it('422 on the status ends rejected invalid with the detail messages', async () => {
    const clock = newClock();
    const s = await sim(clock);
    const outcome = await settle(startJob('markdown2pdf', s.url, clock, { request: undefined, jobId: 'not-a-uuid' }));
    expect(outcome).toEqual({
      status: 'rejected',
      jobId: 'not-a-uuid',
      error: { kind: 'invalid', httpStatus: 422, code: 'uuid_parsing', message: 'path.job_id: Input should be a valid UUID' },
    });
  });

  it('422 on the create ends rejected invalid with every detail message', async () => {
    const clock = newClock();
    const s = await sim(clock);
    s.markdown2pdf.createSteps.push({
      http: 422,
      body: {
        detail: [
          { loc: ['body', 'data', 'text_body'], msg: 'String should have at most 100000 characters', type: 'string_too_long' },
          { loc: ['body', 'options', 'document_name'], msg: 'Field required', type: 'missing' },
        ],
      },
    });
    const outcome = await settle(startJob('markdown2pdf', s.url, clock));
    expect(outcome).toEqual({
      status: 'rejected',
      error: {
        kind: 'invalid',
        httpStatus: 422,
        code: 'string_too_long',
        message: 'body.data.text_body: String should have at most 100000 characters; body.options.document_name: Field required',
      },
    });
  });

  it('a 402 without offers is an ordinary refusal: rejected payment', async () => {
    const clock = newClock();
    const s = await sim(clock);
    s.markdown2pdf.createSteps.push({ http: 402, body: { detail: 'Payment required' } });
    expect(await settle(startJob('markdown2pdf', s.url, clock))).toEqual({
      status: 'rejected',
      error: { kind: 'payment', httpStatus: 402, message: 'Payment required' },
    });
  });

  it('a 503 on the create and on the metadata is retried', async () => {
    const clock = newClock();
    const s = await sim(clock, { pricing: 'free' });
    s.markdown2pdf.createSteps.push({ http: 503 });
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Done' }] });
    const actor = startJob('markdown2pdf', s.url, clock);
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(methods(s.requests('markdown2pdf'))).toEqual([
      'POST /v1/markdown 503',
      'POST /v1/markdown 200',
      'GET /job/{id}/status 200',
      'GET /job/{id}/output 200',
    ]);
  });

  it('an unknown status value is retried within the budget, then ends rejected protocol', async () => {
    const clock = newClock();
    const s = await sim(clock, { pricing: 'free' });
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Queued' }] });
    const actor = startJob('markdown2pdf', s.url, clock, { options: { maxRetries: 1 } });
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'protocol' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(/status value: "Queued"/);
  });

  it('times out at the overall deadline while polling', async () => {
    const clock = newClock();
    const s = await sim(clock, { pricing: 'free' });
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Processing', progress: 0.1 }] });
    const actor = startJob('markdown2pdf', s.url, clock, { options: { timeoutMs: 20_000 } });
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({ status: 'timedOut', jobId: actor.getSnapshot().context.jobId });
  });
});

describe('markdown2pdf waiting for payment', () => {
  it('cancel while waiting for payment: cancelled, nothing sent afterwards, no timer left', async () => {
    const clock = newClock();
    const s = await sim(clock);
    const actor = startJob('markdown2pdf', s.url, clock);
    expect((await nextPause(actor)).value).toBe('paymentRequired');
    actor.send({ type: 'CANCEL' });
    expect(await settle(actor)).toEqual({ status: 'cancelled' });
    clock.increment(60 * 60_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(methods(s.log)).toEqual(['POST /v1/markdown 402']);
    expect(pendingTimers(clock)).toBe(0);
  });

  it('paymentTimeoutMs ends the wait timedOut with no job, counted from the first 402 across a second one', async () => {
    const clock = newClock();
    const s = await sim(clock);
    const start = clock.now();
    const actor = startJob('markdown2pdf', s.url, clock, { options: { paymentTimeoutMs: 5 * 60_000 } });
    const waiting = await nextPause(actor);
    expect(waiting.context.wakeAt).toBe(start + 5 * 60_000);
    clock.set(start + 2 * 60_000);
    actor.send({ type: 'PAID' }); // not settled: 402 again, the same limit goes on
    const again = await nextPause(actor);
    expect(again.value).toBe('paymentRequired');
    expect(again.context.wakeAt).toBe(start + 5 * 60_000);
    clock.set(start + 5 * 60_000 - 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(actor.getSnapshot().value).toBe('paymentRequired');
    advanceToWake(again, clock);
    expect(await settle(actor)).toEqual({ status: 'timedOut' });
    expect(methods(s.log)).toEqual(['POST /v1/markdown 402', 'POST /v1/markdown 402']);
  });

  it('the overall deadline stands still while a person pays: a long wait does not eat the provider’s time', async () => {
    const clock = newClock();
    const s = await sim(clock);
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Processing', progress: 0.5 }, { status: 'Done' }] });
    const actor = startJob('markdown2pdf', s.url, clock, { options: { timeoutMs: 60_000 } });
    const waiting = await nextPause(actor);
    expect(waiting.context.wakeAt).toBeNull(); // no payment limit by default
    clock.increment(3 * 24 * 60 * 60_000);
    await new Promise((r) => setTimeout(r, 10));
    expect(actor.getSnapshot().value).toBe('paymentRequired');
    s.markdown2pdf.settlePayments();
    actor.send({ type: 'PAID' });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(actor.getSnapshot().context.deadlineAt).toBe(waiting.context.deadlineAt! + 3 * 24 * 60 * 60_000);
  });

  it('a bad paymentTimeoutMs ends rejected invalid at once', async () => {
    const clock = newClock();
    const s = await sim(clock);
    const outcome = await settle(startJob('markdown2pdf', s.url, clock, { options: { paymentTimeoutMs: -1 } }));
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid', message: expect.stringMatching(/options.paymentTimeoutMs/) } });
    expect(s.log).toHaveLength(0);
  });
});

describe('markdown2pdf bad input', () => {
  it.each([
    ['a malformed base URL', { baseUrl: 'not a url' }, /baseUrl must be an http\(s\) URL/],
    ['an empty document', { request: { ...request, data: { ...request.data, text_body: ' ' } } }, /request.data.text_body/],
    ['a missing document name', { request: { data: request.data } as never }, /request.options/],
    ['both request and jobId', { jobId: 'x' }, /either request .* or jobId/],
  ])('%s ends rejected invalid at once, without a request', async (_, input, message) => {
    const s = await simulator();
    const actor = createActor(markdown2pdfJob, { input: { baseUrl: s.url, request, ...input } as Markdown2pdfJobInput }).start();
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(message);
    expect(s.log).toHaveLength(0);
  });
});

describe('markdown2pdf persistence', () => {
  it('restored while waiting for payment: the offers are still there, nothing is sent until PAID', async () => {
    const clock = newClock();
    const s = await sim(clock);
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Done' }] });
    const first = startJob('markdown2pdf', s.url, clock);
    const waiting = await nextPause(first);
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();

    const restored = createActor(markdown2pdfJob, { clock, snapshot: persisted, input: { baseUrl: s.url } }).start();
    const snap = restored.getSnapshot();
    expect(snap.value).toBe('paymentRequired');
    expect(snap.hasTag('needs-input')).toBe(true);
    expect(snap.context.payment).toEqual(waiting.context.payment);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.log).toHaveLength(1);

    expect(s.markdown2pdf.settlePayment(snap.context.payment!.payment_context_token)).toBe(true);
    restored.send({ type: 'PAID' });
    await untilSettled(restored, clock);
    expect((await settle(restored)).status).toBe('succeeded');
    expect(methods(s.requests('markdown2pdf')).filter((r) => r.startsWith('POST'))).toEqual(['POST /v1/markdown 402', 'POST /v1/markdown 200']);
  });

  it('restored while waiting between polls: the next poll when it was due, no second create', async () => {
    const clock = newClock();
    const s = await sim(clock, { pricing: 'free' });
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Processing', progress: 0.3 }, { status: 'Done' }] });
    const first = startJob('markdown2pdf', s.url, clock);
    const waiting = await nextPause(first);
    expect(waiting.matches({ polling: { provider: 'processing', poller: 'waiting' } })).toBe(true);
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();

    const restored = createActor(markdown2pdfJob, { clock, snapshot: persisted, input: { baseUrl: s.url } }).start();
    expect(restored.getSnapshot().context.progress).toBe(0.3);
    await new Promise((r) => setImmediate(r));
    clock.set(waiting.context.wakeAt! - 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.requests('markdown2pdf').filter((r) => r.method === 'GET')).toHaveLength(1);
    advanceToWake(waiting, clock);
    await untilSettled(restored, clock);
    expect((await settle(restored)).status).toBe('succeeded');
    const log = s.requests('markdown2pdf');
    expect(log.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(log.filter((r) => r.path.endsWith('/status')).map((r) => r.at)).toEqual([expect.any(Number), waiting.context.wakeAt]);
  });

  it('restored while the paid create was in flight: sent again, the same job comes back', async () => {
    const clock = newClock();
    const s = await sim(clock);
    s.markdown2pdf.scripts.push({ steps: [{ status: 'Done' }] });
    const first = startJob('markdown2pdf', s.url, clock);
    await nextPause(first);
    s.markdown2pdf.settlePayments();
    first.send({ type: 'PAID' });
    const persisted = first.getPersistedSnapshot();
    expect(first.getSnapshot().matches({ submitting: 'requesting' })).toBe(true);
    await waitFor(first, (snap) => snap.context.jobId !== null);
    first.stop();

    const restored = createActor(markdown2pdfJob, { clock, snapshot: persisted, input: { baseUrl: s.url } }).start();
    await untilSettled(restored, clock);
    expect(await settle(restored)).toMatchObject({ status: 'succeeded', jobId: first.getSnapshot().context.jobId });
    expect(s.markdown2pdf.jobCount).toBe(1);
    expect(methods(s.requests('markdown2pdf')).filter((r) => r.startsWith('POST'))).toEqual([
      'POST /v1/markdown 402',
      'POST /v1/markdown 200',
      'POST /v1/markdown 200',
    ]);
  });
});
