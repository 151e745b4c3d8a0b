/**
 * The chart factory serves an API jobcharts does not ship: a made-up render service, defined here with nothing but
 * its URLs, its statuses and its schemas (`pollingJob` + `jsonCall`), answered by a server of the test's own.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { z } from 'zod';
import { jsonCall, pollingJob, settle, type HttpFailureEvent, type JobContext, type ProviderCall } from '../src/index.js';
import { hostileServer, type HostileAnswer } from './support/hostile-server.js';
import { newClock, nextPause, untilSettled } from './support/simulated-time.js';

interface RenderRequest {
  scene: string;
}
interface RenderResult {
  url: string;
}
interface RenderContext extends JobContext<string, RenderResult> {
  request: RenderRequest | null;
}
type RenderEvent =
  | { type: 'submit.accepted'; jobId: string }
  | { type: 'status.queued' }
  | { type: 'status.rendering'; progress: number }
  | { type: 'status.done'; progress: 1; result: RenderResult }
  | { type: 'status.broken'; error: { message: string } }
  | HttpFailureEvent;

const statusSchema = z.object({
  state: z.enum(['queued', 'rendering', 'done', 'broken']),
  percent: z.number().optional(),
  url: z.string().optional(),
  reason: z.string().optional(),
});
/** The render service's error body: `{ problem }`. */
const words = (body: unknown) => ({ message: z.object({ problem: z.string() }).safeParse(body).data?.problem });
const auth = (call: ProviderCall) => ({ authorization: `Bearer ${call.apiKey}` });

const renderJob = pollingJob({
  id: 'render',
  types: {} as { context: RenderContext; events: RenderEvent },
  defaults: { pollIntervalMs: 1_000 },
  schemas: { request: z.object({ scene: z.string().min(1) }), jobId: z.string() },
  create: (call, { request }) =>
    jsonCall({
      request: { url: `${call.baseUrl}/renders`, method: 'POST', headers: auth(call), json: request },
      schema: z.object({ id: z.string() }),
      answer: (body) => ({ type: 'submit.accepted', jobId: body.id }),
      words,
    }),
  status: (call, { jobId }) =>
    jsonCall({
      request: { url: `${call.baseUrl}/renders/${encodeURIComponent(jobId)}`, method: 'GET', headers: auth(call) },
      schema: statusSchema,
      answer: (body) => {
        if (body.state === 'done') return { type: 'status.done', progress: 1, result: { url: body.url ?? '' } };
        if (body.state === 'broken') return { type: 'status.broken', error: { message: body.reason ?? 'broken' } };
        if (body.state === 'rendering') return { type: 'status.rendering', progress: (body.percent ?? 0) / 100 };
        return { type: 'status.queued' };
      },
      words,
    }),
  provider: {
    states: { 'status.queued': 'queued', 'status.rendering': 'rendering' },
    on: { 'status.done': 'succeeded', 'status.broken': 'failed' },
  },
});

/** The render service: each job answers `states` one status request after another (the last one again). */
async function renderService(states: object[]) {
  let polls = 0;
  return hostileServer((req): HostileAnswer => {
    if (req.headers.authorization !== 'Bearer render-key') return { status: 401, body: { problem: 'who are you?' } };
    if (req.method === 'POST') return { status: 201, body: { id: 'r-1' } };
    if (req.url !== '/renders/r-1') return { status: 404, body: { problem: 'no such render' } };
    return { body: states[Math.min(polls++, states.length - 1)] };
  });
}

function start(baseUrl: string, input: object) {
  const clock = newClock();
  const actor = createActor(renderJob, { clock, input: { baseUrl, apiKey: 'render-key', ...input } });
  return { actor, clock };
}

describe('pollingJob: a chart for an API jobcharts does not ship', () => {
  it('submits, polls through the provider states it was given, and ends with the typed result', async () => {
    const service = await renderService([{ state: 'queued' }, { state: 'rendering', percent: 40 }, { state: 'done', url: 'https://cdn/r-1.png' }]);
    const { actor, clock } = start(service.url, { request: { scene: 'a lighthouse' } });
    const seen = new Set<string>();
    actor.subscribe((s) => seen.add(JSON.stringify(s.value)));
    actor.start();
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({ status: 'succeeded', jobId: 'r-1', result: { url: 'https://cdn/r-1.png' } });
    expect(service.log).toEqual(['POST /renders', 'GET /renders/r-1', 'GET /renders/r-1', 'GET /renders/r-1']);
    const providerStates = [...seen].map((v) => JSON.parse(v).polling?.provider).filter(Boolean);
    expect(new Set(providerStates)).toEqual(new Set(['unknown', 'queued', 'rendering']));
  });

  it("ends failed with the provider's words when it says the job broke", async () => {
    const service = await renderService([{ state: 'broken', reason: 'scene too dark' }]);
    const { actor, clock } = start(service.url, { request: { scene: 'a cave' } });
    actor.start();
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({ status: 'failed', jobId: 'r-1', error: { message: 'scene too dark' } });
  });

  it("ends rejected with the provider's words on a refusal, and on bad input sends nothing", async () => {
    const service = await renderService([{ state: 'queued' }]);
    const attached = start(service.url, { jobId: 'r-404' });
    attached.actor.start();
    expect(await settle(attached.actor)).toMatchObject({ status: 'rejected', error: { kind: 'notFound', httpStatus: 404, message: 'no such render' } });

    const invalid = start(service.url, { request: { scene: '' } });
    invalid.actor.start();
    expect(await settle(invalid.actor)).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    expect(service.log).toEqual(['GET /renders/r-404']);
  });

  it('restores from a persisted snapshot and goes on polling where it was', async () => {
    const service = await renderService([{ state: 'rendering', percent: 10 }, { state: 'done', url: 'https://cdn/r-1.png' }]);
    const first = start(service.url, { request: { scene: 'a harbour' } });
    first.actor.start();
    await nextPause(first.actor);
    const persisted = first.actor.getPersistedSnapshot();
    first.actor.stop();
    expect(persisted).toMatchObject({ value: { polling: { provider: 'rendering', poller: 'waiting' } }, context: { provider: 'render', jobId: 'r-1' } });

    const restored = createActor(renderJob, { clock: first.clock, snapshot: persisted, input: { baseUrl: service.url, apiKey: 'render-key' } });
    restored.start();
    await untilSettled(restored, first.clock);
    expect(await settle(restored)).toEqual({ status: 'succeeded', jobId: 'r-1', result: { url: 'https://cdn/r-1.png' } });
    expect(service.log.filter((line) => line.startsWith('POST'))).toEqual(['POST /renders']);
  });

  it('given other guards with provide(), still wakes on its own clock and still refuses a snapshot for another base URL', async () => {
    const provided = renderJob.provide({ guards: { retryBudgetSpent: () => true } });
    const service = await renderService([{ state: 'queued' }, { state: 'done', url: 'https://cdn/r-1.png' }]);
    const clock = newClock();
    const actor = createActor(provided, { clock, input: { baseUrl: service.url, apiKey: 'render-key', request: { scene: 'a pier' } } }).start();
    await nextPause(actor);
    const persisted = actor.getPersistedSnapshot();
    await untilSettled(actor, clock);
    expect(await settle(actor)).toMatchObject({ status: 'succeeded' });

    const elsewhere = createActor(provided, { clock, snapshot: persisted, input: { baseUrl: 'http://127.0.0.1:9', apiKey: 'render-key' } }).start();
    expect(await settle(elsewhere)).toMatchObject({ status: 'rejected', error: { kind: 'invalid', message: expect.stringContaining('not for the restore input') } });
    expect(service.log).toEqual(['POST /renders', 'GET /renders/r-1', 'GET /renders/r-1']);
  });
});
