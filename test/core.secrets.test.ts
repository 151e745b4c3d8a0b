import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { settle } from '../src/core/outcome.js';
import { PERCEPTIS_TEST_KEY } from '../src/providers/perceptis/simulator.js';
import { simulator } from './support/sim.js';
import { newClock, untilSettled } from './support/simulated-time.js';

const request = { prompt: 'A deck', output_type: 'deck' as const };

describe('secrets never reach outcomes, context or snapshots', () => {
  it('a key a header cannot carry is refused before anything is sent, without quoting it', async () => {
    const sim = await simulator();
    const apiKey = 'sk-live-per-secret\r\nX-Injected: 1';
    const actor = createActor(perceptisJob, { input: { baseUrl: sim.url, apiKey, request } }).start();
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    expect(JSON.stringify(outcome)).not.toContain('sk-live-per-secret');
    expect(JSON.stringify(actor.getPersistedSnapshot())).not.toContain('sk-live-per-secret');
    expect(sim.log).toHaveLength(0);
  });

  it('a body quoted in an error has the signatures of its URLs removed', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const signed = `${sim.url}/downloads/x.pptx?expires=1&signature=0123456789abcdef`;
    sim.perceptis.scripts.push({ steps: [{ http: 200, body: { status: 'completed', downloads: [{ url: signed }] } }] });
    const actor = createActor(perceptisJob, {
      clock,
      input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request, options: { maxRetries: 1, jitter: 0 } },
    }).start();
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'protocol' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toContain('signature=[redacted]');
    expect(JSON.stringify(actor.getPersistedSnapshot())).not.toContain('0123456789abcdef');
  });

  it('a redirect is not followed: the key is never sent to another host', async () => {
    const elsewhere: string[] = [];
    const other = createServer((req, res) => {
      elsewhere.push(String(req.headers.authorization));
      res.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const sim = await simulator();
      const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/v1/status/x`;
      sim.perceptis.scripts.push({ steps: [{ http: 307, headers: { location } }] });
      const actor = createActor(perceptisJob, { input: { baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY, request } }).start();
      expect(await settle(actor)).toMatchObject({ status: 'rejected', error: { kind: 'invalid', httpStatus: 307 } });
      expect(elsewhere).toEqual([]);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
