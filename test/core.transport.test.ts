import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { sendRequest, type HttpTransport, type TransportRequest } from '../src/core/http.js';
import { settle } from '../src/core/outcome.js';
import { fetchTransport } from '../src/core/transport/fetch.js';
import { undiciTransport, type UndiciTransport } from '../src/core/transport/undici.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { simulator } from './support/sim.js';

/** A server of the test's own that answers `{}` after `holdMs` and counts the connections it was given. */
async function countingServer(holdMs: number, keepAliveTimeoutMs = 60_000) {
  let connections = 0;
  const server: Server = createServer((_, res) => {
    setTimeout(() => res.end('{}'), holdMs);
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const pools: UndiciTransport[] = [];
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function pool(options: Parameters<typeof undiciTransport>[0]) {
  const transport = undiciTransport(options);
  pools.push(transport);
  return transport;
}

const send = (url: string, transport?: HttpTransport) =>
  sendRequest({ url, method: 'GET', timeoutMs: 5_000, controller: new AbortController(), transport });

describe('the undici transport: a keep-alive pool per origin', () => {
  it('opens at most connectionsPerOrigin connections to one origin; the other requests wait for one and are answered', async () => {
    const server = await countingServer(30);
    servers.push(server);
    const shared = pool({ connectionsPerOrigin: 3 });
    const again = await Promise.all(Array.from({ length: 12 }, () => send(`${server.url}/x`, shared)));
    expect(again.every((a) => a && 'status' in a && a.status === 200)).toBe(true);
    expect(server.connections()).toBe(3);
  });

  it('the default transport bounds connections per origin too (fetch alone opens one per request at once)', async () => {
    const server = await countingServer(100);
    servers.push(server);
    const answers = await Promise.all(Array.from({ length: 80 }, () => send(`${server.url}/x`)));
    expect(answers.every((a) => a && 'status' in a && a.status === 200)).toBe(true);
    expect(server.connections()).toBeLessThanOrEqual(64);
  });

  it('keeps an idle connection for the next request for keepAliveTimeoutMs, then lets it go', async () => {
    const server = await countingServer(0);
    servers.push(server);
    const short = pool({ keepAliveTimeoutMs: 40 });
    const long = pool({ keepAliveTimeoutMs: 5_000 });
    for (const transport of [short, long]) {
      await send(`${server.url}/a`, transport);
      await new Promise((resolve) => setTimeout(resolve, 150));
      await send(`${server.url}/b`, transport);
    }
    // short: two connections (the first closed while idle); long: one for both requests.
    expect(server.connections()).toBe(3);
  });

  it('an idle pooled connection does not keep the process alive', async () => {
    const server = await countingServer(0);
    servers.push(server);
    const http = fileURLToPath(new URL('../src/core/http.ts', import.meta.url));
    const script = `
      const { sendRequest } = await import(${JSON.stringify(http)});
      const answer = await sendRequest({ url: ${JSON.stringify(`${server.url}/x`)}, method: 'GET', timeoutMs: 5000, controller: new AbortController() });
      console.log(answer.status);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const code = await new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => {
        child.kill();
        resolve(null);
      }, 20_000);
      child.on('exit', (c) => {
        clearTimeout(kill);
        resolve(c);
      });
    });
    expect(out.trim()).toBe('200');
    // The server keeps the connection 60 s: the child ended on its own long before.
    expect(code).toBe(0);
  }, 30_000);
});

describe('a job with its own transport', () => {
  it('sends every request of the job through it, and the key only in the header it belongs to', async () => {
    const sim = await simulator();
    sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { status: 'completed', variants: 1 }] });
    const seen: TransportRequest[] = [];
    const transport: HttpTransport = (request) => {
      seen.push(request);
      return fetchTransport(request);
    };
    const actor = createActor(perceptisJob, {
      input: {
        baseUrl: sim.url,
        apiKey: PERCEPTIS_TEST_KEY,
        request: { prompt: 'A slide', output_type: 'single_slide' },
        options: { pollIntervalMs: 5, minDelayMs: 0, jitter: 0 },
        transport,
      },
    }).start();
    expect(await settle(actor)).toMatchObject({ status: 'succeeded' });
    expect(seen.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(
      sim.requests('perceptis').map((r) => `${r.method} ${r.path}`),
    );
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((r) => r.headers.authorization === `Bearer ${PERCEPTIS_TEST_KEY}`)).toBe(true);
    // Like the key, the transport is not part of the job's state.
    expect(JSON.stringify(actor.getPersistedSnapshot())).not.toContain('transport');
  });
});
