/**
 * What redacting one producer frame costs the visualizer's hub after that producer taught it as many secrets as it
 * could (issue 13: nothing a frame says can make the hub do unbounded work). Run with
 * `node --import tsx bench/hub-redact.ts`. Prints ms per frame, through the hub's own receive path.
 */
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { Hub } from '../visualizer/hub.js';

const hub = new Hub({ charts: [] });
const socket = Object.assign(new EventEmitter(), { terminate() {} });
hub.addProducer(socket as unknown as WebSocket);
const send = (frame: object) => socket.emit('message', Buffer.from(JSON.stringify(frame)), false);

// A hostile producer's try at teaching the hub 1,000 secrets: one job whose input holds 1,000 keys, then 125 jobs of 8.
const keys = (from: number, count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`account${from + i}`, { apiKey: `secret-${String(from + i).padStart(6, '0')}` }]));
const teach = (sessionId: string, input: object) => {
  send({ type: '@xstate.actor', sessionId, definition: JSON.stringify({ id: 'perceptis' }), snapshot: { status: 'active', value: 'starting', context: {} } });
  send({ type: '@xstate.event', sessionId, event: { type: 'xstate.init', input } });
};
if (!process.env.NO_TEACH) {
  teach('x:0', keys(0, 1_000));
  for (let job = 1; job <= 125; job++) teach(`x:${job}`, keys(job * 8, 8));
}

const frames: Record<string, object> = {
  '0.6 MB, 60,000 short strings': { type: '@xstate.snapshot', sessionId: 'x:0', snapshot: { status: 'active', value: 'polling', context: { items: Array.from({ length: 60_000 }, (_, i) => `item ${i}`) } } },
  '0.6 MB, 600 strings of 1,000 chars': { type: '@xstate.snapshot', sessionId: 'x:0', snapshot: { status: 'active', value: 'polling', context: { items: Array.from({ length: 600 }, (_, i) => `${i} `.padEnd(1_000, 'secret-')) } } },
  'a typical poll snapshot': { type: '@xstate.snapshot', sessionId: 'x:0', snapshot: { status: 'active', value: 'polling', context: { jobId: '3f1c2a9e-5b7d', progress: 0.4, requests: 3 } } },
};

for (const [name, frame] of Object.entries(frames)) {
  const text = Buffer.from(JSON.stringify(frame));
  const runs = name.startsWith('a typical') ? 2_000 : 10;
  socket.emit('message', text, false);
  const start = performance.now();
  for (let i = 0; i < runs; i++) socket.emit('message', text, false);
  const ms = (performance.now() - start) / runs;
  console.log(`${name.padEnd(40)} ${(text.length / 1e6).toFixed(2)} MB  ${ms.toFixed(ms < 1 ? 3 : 1)} ms per frame`);
}
hub.close();
