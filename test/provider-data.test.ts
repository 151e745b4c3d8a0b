/**
 * Issue 13, items 4 and 5: what a hostile provider says enters the job bounded, and without the job's own key.
 * Each provider here is a small server of the test's own on 127.0.0.1.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createActor, type InspectionEvent } from 'xstate';
import { cataJob } from '../src/providers/cata/chart.js';
import { markdown2pdfJob } from '../src/providers/markdown2pdf/chart.js';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { settle } from '../src/core/outcome.js';
import { toPlain } from '../src/inspect/redact.js';
import { hostileServer, type HostileAnswer } from './support/hostile-server.js';
import { newClock, nextPause, untilSettled } from './support/simulated-time.js';

const pdfRequest = { data: { text_body: '# Hi', meta: {} }, options: { document_name: 'hi.pdf' } };
const slideRequest = { prompt: 'One slide', output_type: 'single_slide' as const };

/** JSON text nested `depth` arrays deep: 20 KB for 10,000 levels. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('provider data is bounded before it enters the job', () => {
  it('a 402 offer nested 10,000 deep: the job waits for payment and its snapshot persists', async () => {
    const provider = await hostileServer(() => ({
      status: 402,
      body: `{"offers":[{"id":"offer-1","amount":1,"currency":"USD","payment_methods":["lightning"],"extra":${nested(10_000)}}],"payment_context_token":"pct","payment_request_url":"/v1/payment"}`,
    }));
    const actor = createActor(markdown2pdfJob, { input: { baseUrl: provider.url, request: pdfRequest } }).start();
    const waiting = await nextPause(actor);
    expect(waiting.hasTag('needs-input')).toBe(true);
    expect(waiting.context.payment?.offers[0]).toMatchObject({ id: 'offer-1', payment_methods: ['lightning'] });

    const saved = JSON.stringify(actor.getPersistedSnapshot());
    expect(saved.length).toBeLessThan(20_000);
    const restored = createActor(markdown2pdfJob, { input: { baseUrl: provider.url, request: pdfRequest }, snapshot: JSON.parse(saved) }).start();
    expect(restored.getSnapshot().context.payment?.offers[0].id).toBe('offer-1');
    actor.stop();
    restored.stop();
  });

  it('a Perceptis download entry nested 10,000 deep: the job succeeds and its outcome serialises', async () => {
    const clock = newClock();
    const provider = await hostileServer((req) =>
      req.method === 'POST'
        ? { body: { job_id: 'job-1' } }
        : { body: `{"job_id":"job-1","status":"completed","output_type":"single_slide","downloads":[{"url":"https://cdn.test/a.pptx","format":"pptx","meta":${nested(10_000)}}]}` },
    );
    const actor = createActor(perceptisJob, { clock, input: { baseUrl: provider.url, apiKey: 'sk-test-key-1', request: slideRequest } }).start();
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'succeeded', result: { downloads: [{ url: 'https://cdn.test/a.pptx', format: 'pptx' }] } });
    expect(JSON.stringify(outcome).length).toBeLessThan(2_000);
    expect(() => JSON.stringify(actor.getPersistedSnapshot())).not.toThrow();
  });

  it('huge strings, long arrays and wide objects are cut: the persisted snapshot stays small', async () => {
    const clock = newClock();
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`field${i}`, i]));
    const provider = await hostileServer((req) =>
      req.method === 'POST'
        ? { body: { job_id: 'job-1' } }
        : {
            body: {
              job_id: 'job-1',
              status: 'completed',
              downloads: [
                { url: 'https://cdn.test/a.pptx', format: 'pptx', notes: 'n'.repeat(600_000), wide },
                ...Array.from({ length: 5_000 }, (_, i) => ({ url: `https://cdn.test/${i}.pptx`, format: 'pptx' })),
              ],
            },
          },
    );
    const actor = createActor(perceptisJob, { clock, input: { baseUrl: provider.url, apiKey: 'sk-test-key-1', request: slideRequest } }).start();
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'succeeded' });
    if (outcome.status !== 'succeeded') return;
    expect(outcome.result.downloads[0].url).toBe('https://cdn.test/a.pptx');
    expect(outcome.result.downloads.length).toBeLessThanOrEqual(200);
    expect(JSON.stringify(actor.getPersistedSnapshot()).length).toBeLessThan(1_000_000);
  });
});

/** Everything a run keeps or shows: the outcome, the context, the persisted snapshot, the inspection events. */
async function perceptisRun(apiKey: string, answer: (req: IncomingMessage, key: string) => HostileAnswer) {
  const clock = newClock();
  const provider = await hostileServer((req) => answer(req, String(req.headers.authorization).replace(/^Bearer /, '')));
  const events: InspectionEvent[] = [];
  const actor = createActor(perceptisJob, {
    clock,
    inspect: (event) => events.push(event),
    input: { baseUrl: provider.url, apiKey, request: slideRequest, options: { jitter: 0, maxRetries: 0 } },
  }).start();
  await untilSettled(actor, clock);
  const outcome = await settle(actor);
  // The start input holds the key on purpose (it is the person's own): everything else must not.
  const shown = events.map((e) => {
    const plain = toPlain({ type: e.type, event: 'event' in e ? e.event : undefined, snapshot: 'snapshot' in e ? e.snapshot : undefined }) as {
      event?: { type?: string; input?: unknown };
    };
    if (plain.event?.type === 'xstate.init') delete plain.event.input;
    return plain;
  });
  const everything = JSON.stringify({ outcome, context: actor.getSnapshot().context, persisted: actor.getPersistedSnapshot(), shown });
  return { outcome, everything };
}

/** The key as it may appear in a JSON text: as is and JSON-escaped, URL-encoded, HTML-escaped. */
const formsOf = (key: string) => [
  key,
  JSON.stringify(key).slice(1, -1),
  encodeURIComponent(key),
  key.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
];

describe("the job's own key is replaced in everything the provider says", () => {
  // A key shorter than 6 characters, and one with characters that change in URLs, JSON and HTML.
  const keys = ['k3y', 'sk live&"<key>/+%9'];

  it.each(keys)('echoed in a 401 body (key %j)', async (apiKey) => {
    const run = await perceptisRun(apiKey, (_req, key) => ({ status: 401, body: { error: { code: 'unauthorized', message: `the key ${key} is not valid` } } }));
    expect(run.outcome).toMatchObject({ status: 'rejected', error: { kind: 'unauthorized', httpStatus: 401, message: 'the key [redacted] is not valid' } });
    for (const form of formsOf(apiKey)) expect(run.everything).not.toContain(form);
  });

  it.each(keys)('echoed in a failed job\'s message (key %j)', async (apiKey) => {
    const run = await perceptisRun(apiKey, (req, key) =>
      req.method === 'POST'
        ? { body: { job_id: 'job-1' } }
        : { body: { job_id: 'job-1', status: 'failed', error: { code: 'render_failed', message: `render failed for account ${key}` } } },
    );
    expect(run.outcome).toMatchObject({ status: 'failed', error: { code: 'render_failed', message: 'render failed for account [redacted]' } });
    for (const form of formsOf(apiKey)) expect(run.everything).not.toContain(form);
  });

  it.each(keys)('echoed in a 5xx HTML page, raw and HTML-escaped (key %j)', async (apiKey) => {
    const html = (key: string) =>
      `<html><body><h1>502 Bad Gateway</h1><p>upstream refused ${key.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</p><!-- ${key} --></body></html>`;
    const run = await perceptisRun(apiKey, (_req, key) => ({ status: 502, headers: { 'content-type': 'text/html' }, body: html(key) }));
    expect(run.outcome).toMatchObject({ status: 'rejected', error: { kind: 'unavailable', httpStatus: 502 } });
    if (run.outcome.status === 'rejected') expect(run.outcome.error.message).toContain('upstream refused [redacted]');
    for (const form of formsOf(apiKey)) expect(run.everything).not.toContain(form);
  });

  it.each(keys)('echoed in a download URL, raw and URL-encoded (key %j)', async (apiKey) => {
    const run = await perceptisRun(apiKey, (req, key) =>
      req.method === 'POST'
        ? { body: { job_id: 'job-1' } }
        : {
            body: {
              job_id: 'job-1',
              status: 'completed',
              downloads: [{ url: `https://cdn.test/a.pptx?owner=${encodeURIComponent(key)}`, format: 'pptx', note: `made for ${key}` }],
            },
          },
    );
    expect(run.outcome).toMatchObject({
      status: 'succeeded',
      result: { downloads: [{ url: 'https://cdn.test/a.pptx?owner=[redacted]', format: 'pptx', note: 'made for [redacted]' }] },
    });
    for (const form of formsOf(apiKey)) expect(run.everything).not.toContain(form);
  });

  it('the same for any provider: Cata quoting its X-Api-Key in the pipeline log and the script draft', async () => {
    const clock = newClock();
    const apiKey = 'c4t';
    const provider = await hostileServer((req) => {
      const key = String(req.headers['x-api-key']);
      if (req.method === 'POST') return { body: { code: 200, isSuccess: true, jobId: 7 } };
      const job = {
        id: 7,
        status: 'failed',
        stage: 'testing',
        hypothesis: `const apiKey = '${key}';`,
        logs: [{ stage: 'testing', message: `sandbox rejected key ${key}` }],
        testResults: [{ attempt: 1, passed: false, error: `401 for ${encodeURIComponent(key)}` }],
      };
      return { body: { code: 200, isSuccess: true, job } };
    });
    const actor = createActor(cataJob, { clock, input: { baseUrl: provider.url, apiKey, request: { provider: 'square', topic: 'sync_products' } } }).start();
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'failed', error: { message: 'sandbox rejected key [redacted] (last test: 401 for [redacted])' } });
    const everything = JSON.stringify({ outcome, context: actor.getSnapshot().context, persisted: actor.getPersistedSnapshot() });
    expect(everything).toContain("const apiKey = '[redacted]';");
    expect(everything).not.toContain(apiKey);
  });
});
