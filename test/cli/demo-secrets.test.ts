import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { HubMessage } from '../../visualizer/protocol.js';
import { pageSocketUrl } from '../support/hub.js';
import {
  BLAND_TEST_KEY,
  CATA_TEST_KEY,
  DEPICTA_TEST_KEY,
  PERCEPTIS_INELIGIBLE_KEY,
  PERCEPTIS_TEST_KEY,
} from '../../src/simulator/index.js';
import { findSecrets } from '../support/secrets.js';
import { startCli, until } from './run-cli.js';

const keys = [PERCEPTIS_TEST_KEY, PERCEPTIS_INELIGIBLE_KEY, DEPICTA_TEST_KEY, BLAND_TEST_KEY, CATA_TEST_KEY];

/** Everything a page of the visualizer can get: the job list with contexts and outcomes, and every job's timeline. */
async function everythingThePageSees(url: string): Promise<string> {
  const origin = new URL(url).origin;
  const socket = new WebSocket(pageSocketUrl(url), { origin });
  const messages: HubMessage[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as HubMessage));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  await until(() => messages.some((m) => m.type === 'hello'), 'the hub to greet the page', 10_000);
  const hello = messages.find((m) => m.type === 'hello') as Extract<HubMessage, { type: 'hello' }>;
  for (const job of hello.jobs) socket.send(JSON.stringify({ type: 'timeline', key: job.key }));
  await until(() => messages.filter((m) => m.type === 'timeline').length === hello.jobs.length, 'every timeline', 10_000);
  socket.close();
  const page = await (await fetch(url)).text();
  return [page, ...messages.map((m) => JSON.stringify(m))].join('\n');
}

describe('secrets during a full demo run', () => {
  it('no API key and no URL signature in anything the CLI prints or the visualizer holds', { timeout: 60_000 }, async () => {
    const run = await startCli(['demo', '--yes']);
    await until(() => /still serving at (http:\S+)/.test(run.stdout()), 'the demo to finish its jobs', 50_000);
    const url = /still serving at (http:\S+)/.exec(run.stdout())![1];
    const seen = await everythingThePageSees(url);
    run.child.kill('SIGINT');
    const result = await run.done;

    // The data is really there: the Perceptis deck's download links, with their signatures removed.
    expect(seen).toMatch(/\/downloads\/[^"\s]+\.pptx\?expires=\d+&signature=(\[redacted\]|%5Bredacted%5D)/);
    expect(findSecrets(`${result.stdout}\n${result.stderr}`, keys)).toEqual([]);
    expect(findSecrets(seen, keys)).toEqual([]);
  });
});
