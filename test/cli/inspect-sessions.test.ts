/**
 * Two `jobcharts submit … --inspect` processes stream to one listener: each job keeps a session id of its own
 * (XState numbers sessions per process, so both used to arrive as `x:0`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { startSimulator, type Simulator } from '../../src/simulator/server.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import { startCli } from './run-cli.js';

let server: WebSocketServer | undefined;
let sim: Simulator | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await sim?.close();
});

describe('session ids across producer processes', () => {
  it('two producer processes stream root sessions with different ids', { timeout: 60_000 }, async () => {
    sim = await startSimulator();
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server!.once('listening', resolve));
    const rootsByConnection: Array<Set<string>> = [];
    server.on('connection', (socket) => {
      const roots = new Set<string>();
      rootsByConnection.push(roots);
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; sessionId: string; parentId?: string };
        if (frame.type === '@xstate.actor' && !frame.parentId) roots.add(frame.sessionId);
      });
    });
    const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/inspect?token=test-listener-token`;
    const submit = (prompt: string) =>
      startCli(['submit', 'perceptis', '--base-url', sim!.url, '--prompt', prompt, '--poll-interval', '20', '--inspect', url], {
        env: { PERCEPTIS_API_KEY: PERCEPTIS_TEST_KEY },
      });
    const runs = await Promise.all([submit('First process'), submit('Second process')]);
    const ends = await Promise.all(runs.map((run) => run.done));
    for (const end of ends) expect(end.code, end.stderr).toBe(0);

    expect(rootsByConnection).toHaveLength(2);
    const [first, second] = rootsByConnection.map((roots) => [...roots]);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(first[0]).not.toBe(second[0]);
  });
});
