import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

/** A raw request, so that Host and Origin are exactly what a browser (or an attacker's page) would send. */
function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: sim.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const page = 'http://127.0.0.1:5173';
const key = `Bearer ${PERCEPTIS_TEST_KEY}`;
const creates = () => sim.requests('perceptis').filter((entry) => entry.method === 'POST').length;

describe('the simulator and browser pages', () => {
  it('answers the preflight of a page served on loopback, with the headers the page asks for', async () => {
    const answer = await send('OPTIONS', '/api/v1/generate', {
      origin: page,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    });
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(page);
    expect(answer.headers['access-control-allow-methods']).toContain('POST');
    expect(answer.headers['access-control-allow-headers']).toBe('authorization,content-type,idempotency-key');
    expect(creates()).toBe(0);
  });

  it("lets such a page read the answer and its headers (Retry-After, a job id's header)", async () => {
    const answer = await send('GET', '/api/v1/status/none', { origin: 'http://localhost:4000', authorization: key });
    expect(answer.headers['access-control-allow-origin']).toBe('http://localhost:4000');
    expect(answer.headers['access-control-expose-headers']).toBe('*');
    expect(answer.headers.vary).toContain('origin');
  });

  it('refuses a page of any other origin before a provider sees its request, preflight or not', async () => {
    for (const origin of ['https://example.com', 'http://127.0.0.1.example.com:5173', 'null']) {
      const preflight = await send('OPTIONS', '/api/v1/generate', { origin, 'access-control-request-method': 'POST' });
      expect(preflight.status).toBe(403);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const post = await send('POST', '/api/v1/generate', { origin, 'content-type': 'text/plain', authorization: key }, '{"prompt":"p","output_type":"deck"}');
      expect(post.status).toBe(403);
    }
    expect(creates()).toBe(0);
  });

  it('refuses a request addressed to another name (a DNS-rebinding page sends its own Host)', async () => {
    const answer = await send('POST', '/api/v1/generate', { host: `attacker.example:${sim.port}`, authorization: key }, '{}');
    expect(answer.status).toBe(421);
    expect(creates()).toBe(0);
  });

  it('answers Node, which sends no Origin, as before', async () => {
    const answer = await send('POST', '/api/v1/generate', { 'content-type': 'application/json', authorization: key }, '{"prompt":"p","output_type":"deck"}');
    expect(answer.status).toBeLessThan(300);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(creates()).toBe(1);
  });
});
