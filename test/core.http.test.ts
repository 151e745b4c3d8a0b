import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callJson, classifyFailure, isJsonBody, MAX_BODY_BYTES, parseJson, sendRequest, type HttpAnswer, type HttpTransport } from '../src/core/http.js';
import { fetchTransport } from '../src/core/transport/fetch.js';
import { undiciTransport } from '../src/core/transport/undici.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { simulator } from './support/sim.js';

const statusPath = '/api/v1/status/job-1';
const words = (body: unknown) => {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return typeof error === 'object' && error ? { code: error.code, message: error.message } : {};
};

async function getWith(url: string, timeoutMs = 5_000, controller = new AbortController(), transport?: HttpTransport) {
  return sendRequest({ url, method: 'GET', timeoutMs, controller, transport, headers: { authorization: `Bearer ${PERCEPTIS_TEST_KEY}` } });
}

const get = (url: string, timeoutMs?: number) => getWith(url, timeoutMs);

/** Every transport must keep sendRequest's promises: the default (undici on Node), fetch, and a pool of one's own. */
const ownPool = undiciTransport({ connectionsPerOrigin: 2, keepAliveTimeoutMs: 1_000 });
afterAll(() => ownPool.close());
const transports: [string, HttpTransport | undefined][] = [
  ['default (undici)', undefined],
  ['fetch', fetchTransport],
  ['own undici pool', ownPool],
];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(transports)('sendRequest over real HTTP with the %s transport: every answer is a value, never a throw', (name, transport) => {
  const get = (url: string, timeoutMs?: number, controller?: AbortController) => getWith(url, timeoutMs, controller, transport);

  it('sends the JSON body with the caller’s headers and reads the answer as text', async () => {
    const sim = await simulator();
    const answer = await sendRequest({
      url: `${sim.url}/api/v1/generate`,
      method: 'POST',
      json: { prompt: 'A slide', output_type: 'single_slide' },
      headers: { authorization: `Bearer ${PERCEPTIS_TEST_KEY}` },
      timeoutMs: 5_000,
      controller: new AbortController(),
      transport,
    });
    expect(answer).toMatchObject({ status: 200 });
    const { text, bodyTooLarge } = answer as HttpAnswer;
    expect(JSON.parse(text)).toHaveProperty('job_id');
    expect(bodyTooLarge).toBeUndefined();
    expect(sim.requests('perceptis').map((r) => `${r.method} ${r.answer}`)).toEqual(['POST 200']);
  });

  it('an empty body is empty text', async () => {
    const sim = await simulator();
    sim.faults.add({ fault: { wire: 'empty' } });
    const answer = (await get(`${sim.url}${statusPath}`)) as HttpAnswer;
    expect(answer.text).toBe('');
  });

  it('a body sent in pieces that cut a character in two reads as one text', async () => {
    const words = JSON.stringify({ status: 'processing', note: 'Ünïcödé — 進行中' });
    const bytes = Buffer.from(words);
    const cut = bytes.indexOf(Buffer.from('進')) + 1; // inside the three bytes of 進
    const server = createHttpServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(bytes.subarray(0, cut));
      setTimeout(() => res.end(bytes.subarray(cut)), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const answer = (await get(`http://127.0.0.1:${(server.address() as { port: number }).port}/status`)) as HttpAnswer;
      expect(answer.text).toBe(words);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a body larger than the cap is cut at the cap and marked, the rest never read', async () => {
    const sim = await simulator();
    sim.faults.add({ fault: { wire: 'hugeBody' } });
    const answer = (await get(`${sim.url}${statusPath}`)) as HttpAnswer;
    expect(answer.bodyTooLarge).toBe(true);
    expect(Buffer.byteLength(answer.text)).toBe(MAX_BODY_BYTES);
  });

  it('no answer within the time-out is a transient timeout', async () => {
    const sim = await simulator();
    sim.faults.add({ fault: { wire: 'hang' } });
    expect(await get(`${sim.url}${statusPath}`, 50)).toStrictEqual({
      type: 'http.transient',
      reason: 'timeout',
      message: 'no answer within 50 ms',
    });
  });

  it('a request we abort resolves null, at once', async () => {
    const sim = await simulator();
    sim.faults.add({ fault: { wire: 'hang' } });
    const controller = new AbortController();
    const pending = get(`${sim.url}${statusPath}`, 60_000, controller);
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    expect(await pending).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a dropped connection and a refused one are transient network failures naming the error', async () => {
    const sim = await simulator();
    sim.faults.add({ fault: { wire: 'reset' } });
    expect(await get(`${sim.url}${statusPath}`)).toStrictEqual({
      type: 'http.transient',
      reason: 'network',
      message: expect.stringMatching(/^request failed: (ECONNRESET|UND_ERR_SOCKET|other side closed)/),
    });
    const port = await closedPort();
    expect(await get(`http://127.0.0.1:${port}/x`)).toStrictEqual({
      type: 'http.transient',
      reason: 'network',
      message: `request failed: ECONNREFUSED (connection refused by 127.0.0.1:${port})`,
      // No connection: the request reached no one (a create may be sent again).
      unsent: true,
    });
  });

  it.runIf(name === 'fetch')('a failure without an error code keeps the error’s own words and the host', async () => {
    // fetch refuses some ports itself ("bad port"), before any connection: no ECONNREFUSED then.
    expect(await get('http://127.0.0.1:1/x')).toStrictEqual({
      type: 'http.transient',
      reason: 'network',
      message: 'request failed: bad port (127.0.0.1:1)',
    });
  });

  it('an unknown host is named', async () => {
    expect(await get('http://no-such-host.invalid/x')).toStrictEqual({
      type: 'http.transient',
      reason: 'network',
      message: expect.stringMatching(/^request failed: (ENOTFOUND \(no such host: no-such-host\.invalid\)|EAI_AGAIN .*no-such-host\.invalid\))$/),
      unsent: true,
    });
  });
});

describe('classifyFailure: a non-2xx answer is the chart’s named event, in the provider’s words', () => {
  async function answered(status: number, body?: unknown, retryAfter?: { seconds: number }) {
    const sim = await simulator();
    sim.faults.add({ fault: { http: status, ...(body === undefined ? {} : { body }), ...(retryAfter ? { retryAfter } : {}) } });
    return (await get(`${sim.url}${statusPath}`)) as HttpAnswer;
  }

  it.each([
    [401, 'http.unauthorized'],
    [402, 'http.payment'],
    [403, 'http.forbidden'],
    [451, 'http.forbidden'],
    [404, 'http.notFound'],
    [410, 'http.notFound'],
    [400, 'http.invalid'],
    [422, 'http.invalid'],
  ])('%i is %s, with the provider’s code and message', async (status, type) => {
    const answer = await answered(status, { error: { code: 'their_code', message: 'their words' } });
    expect(classifyFailure(answer, words, 0)).toStrictEqual({ type, httpStatus: status, code: 'their_code', message: 'their words' });
  });

  it('a refusal without a code has no code; without words, the status and the body’s text stand in', async () => {
    expect(classifyFailure(await answered(400, { error: { message: 'bad prompt' } }), words, 0)).toStrictEqual({
      type: 'http.invalid',
      httpStatus: 400,
      message: 'bad prompt',
    });
    const html = { status: 502, headers: new Headers(), text: '<html><body><h1>502  Bad\n Gateway</h1></body></html>' };
    expect(classifyFailure(html, words, 0).message).toBe('HTTP 502: 502 Bad Gateway');
    expect(classifyFailure({ status: 418, headers: new Headers(), text: ' ' }, words, 0)).toStrictEqual({
      type: 'http.invalid',
      httpStatus: 418,
      message: 'HTTP 418',
    });
    expect(classifyFailure({ status: 400, headers: new Headers(), text: 'x'.repeat(500) }, words, 0).message).toBe(
      `HTTP 400: ${'x'.repeat(200)}`,
    );
  });

  it('408 and 5xx are transient (timeout / server), 429 carries Retry-After', async () => {
    expect(classifyFailure(await answered(408, { error: { message: 'slow' } }), words, 0)).toStrictEqual({
      type: 'http.transient',
      reason: 'timeout',
      httpStatus: 408,
      message: 'slow',
    });
    expect(classifyFailure(await answered(500, { error: { message: 'oops' } }), words, 0)).toMatchObject({
      type: 'http.transient',
      reason: 'server',
      httpStatus: 500,
    });
    expect(classifyFailure(await answered(499, {}), words, 0).type).toBe('http.invalid');
    expect(classifyFailure(await answered(429, { error: { message: 'slow down' } }, { seconds: 3 }), words, 0)).toStrictEqual({
      type: 'http.rateLimited',
      httpStatus: 429,
      retryAfterMs: 3_000,
      message: 'slow down',
    });
  });
});

describe('callJson: one JSON exchange, checked against its schema', () => {
  const schema = z.object({ status: z.string() });
  const exchange = (url: string) => ({
    request: { url, method: 'GET' as const, timeoutMs: 5_000, controller: new AbortController(), headers: { authorization: `Bearer ${PERCEPTIS_TEST_KEY}` } },
    schema,
    what: 'status answer',
    onFailure: (answer: HttpAnswer) => ({ type: 'refused', status: answer.status }),
  });

  it('a good body is parsed; a non-2xx answer goes to onFailure; a body off the schema is a protocol failure', async () => {
    const sim = await simulator();
    sim.faults.add({ fault: { http: 200, body: { status: 'processing' } } });
    const good = await callJson(exchange(`${sim.url}${statusPath}`));
    expect(isJsonBody(good)).toBe(true);
    expect(good).toMatchObject({ body: { status: 'processing' }, answer: { status: 200 } });

    sim.faults.add({ fault: { http: 404, body: {} } });
    expect(await callJson(exchange(`${sim.url}${statusPath}`))).toStrictEqual({ type: 'refused', status: 404 });

    sim.faults.add({ fault: { http: 200, body: { state: 'processing' } } });
    const off = await callJson(exchange(`${sim.url}${statusPath}`));
    expect(isJsonBody(off)).toBe(false);
    // The answer's status travels with it: a chart must know the provider did answer 2xx (a create may then exist).
    expect(off).toMatchObject({ type: 'http.transient', reason: 'protocol', httpStatus: 200, message: expect.stringMatching(/^unexpected status answer: /) });

    sim.faults.add({ fault: { wire: 'hugeBody' } });
    expect(await callJson(exchange(`${sim.url}${statusPath}`))).toStrictEqual({
      type: 'http.transient',
      reason: 'protocol',
      httpStatus: 200,
      message: `unexpected status answer: body larger than ${MAX_BODY_BYTES} bytes (not read to the end)`,
    });

    sim.faults.add({ fault: { wire: 'reset' } });
    expect(await callJson(exchange(`${sim.url}${statusPath}`))).toMatchObject({ type: 'http.transient', reason: 'network' });
  });

  it('isJsonBody tells a parsed body from an event or null', () => {
    expect(isJsonBody(null)).toBe(false);
    expect(isJsonBody({ body: {}, answer: {} })).toBe(true);
    expect(isJsonBody({ body: {} })).toBe(false);
    expect(isJsonBody({ answer: {} })).toBe(false);
    expect(isJsonBody({ type: 'x', body: {}, answer: {} })).toBe(false);
  });

  it('parseJson: blank or broken text is no JSON', () => {
    expect(parseJson('  ')).toBeUndefined();
    expect(parseJson('{"a"')).toBeUndefined();
    expect(parseJson(' {"a":1} ')).toEqual({ a: 1 });
    expect(parseJson('0')).toBe(0);
  });
});
